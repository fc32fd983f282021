/**
 * Every figure of a run, keyed `<suite>/<name>` like the target registry: what stored baselines,
 * `bench:ab` and the history keep and compare. One entry per bench and per recorded measurement:
 *
 *   kind        unit      better   value                       samplesMs
 *   latency     ms        lower    median of the samples       the samples (thinned), when kept
 *   throughput  <unit>/s  higher   perSecond                   —
 *   growth      x         lower    ratio (scaling, heap)       —
 *   bytes       bytes     lower    bytes (sizes, memory)       —
 *   breakdown   ms        lower    total of the phases         — (the phases explain the total; the log shows them)
 *   value       its unit  see `valueDirection`                —
 *
 * Plans are left out: an EXPLAIN ANALYZE timing is one execution, and the plan's shape is what
 * the log reports. Which test compares two figures depends on what they carry (compareFigure.ts).
 */
import type { Measurement } from '../record/measurement.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import { median } from '../stats/median.ts';
import { type TargetRegistry, targetKey } from '../targets/target.ts';

export type FigureKind = Exclude<Measurement['kind'], 'plan'>;
/** Which way is an improvement. */
export type Better = 'higher' | 'lower';

export interface Figure {
  kind: FigureKind;
  unit: string;
  /** null: the figure does not say (a count, a setting); a change of it is "changed", not better or worse */
  better: Better | null;
  /** the figure's one number: for latency the median of its samples */
  value: number;
  /** raw latency samples, ms, at most MAX_KEPT_SAMPLES (latency only, when the run kept them) */
  samplesMs?: number[];
}

/** `<suite>/<name>` → figure */
export type RunFigures = Record<string, Figure>;

export const FIGURE_KINDS: readonly FigureKind[] = [
  'latency',
  'throughput',
  'growth',
  'bytes',
  'breakdown',
  'value',
];

/** Micro benches take millions of samples; a distribution and a rank test need far fewer. */
export const MAX_KEPT_SAMPLES = 20_000;

/** Every k-th sample in run order, so a long run keeps its shape (and its drift) in fewer numbers. */
export function thinSamples(samples: readonly number[], max = MAX_KEPT_SAMPLES): number[] {
  if (samples.length <= max) return [...samples];
  const step = samples.length / max;
  return Array.from({ length: max }, (_, i) => samples[Math.floor(i * step)] as number);
}

export function runFigures(suites: readonly SuiteResult[], registry: TargetRegistry): RunFigures {
  const figures: RunFigures = {};
  for (const suite of suites) {
    for (const bench of suite.benches) {
      if (bench.fromStore) continue;
      const samples = bench.samplesMs?.length ? bench.samplesMs : undefined;
      figures[targetKey(suite.suite, bench.name)] = {
        kind: 'latency',
        unit: 'ms',
        better: 'lower',
        value: samples ? median(samples) : (bench.summary.p50 ?? bench.summary.mean),
        ...(samples ? { samplesMs: thinSamples(samples) } : {}),
      };
    }
    for (const entry of suite.records) {
      const key = targetKey(suite.suite, entry.name);
      const figure = measurementFigure(key, entry.measurement, registry);
      if (figure) figures[key] = figure;
    }
  }
  return figures;
}

export function measurementFigure(
  key: string,
  measurement: Measurement,
  registry: TargetRegistry,
): Figure | undefined {
  switch (measurement.kind) {
    case 'latency':
      return {
        kind: 'latency',
        unit: 'ms',
        better: 'lower',
        value: median(measurement.samplesMs),
        samplesMs: thinSamples(measurement.samplesMs),
      };
    case 'throughput':
      return {
        kind: 'throughput',
        unit: `${measurement.unit}/s`,
        better: 'higher',
        value: measurement.perSecond,
      };
    case 'growth':
      return { kind: 'growth', unit: 'x', better: 'lower', value: measurement.ratio };
    case 'bytes':
      return { kind: 'bytes', unit: 'bytes', better: 'lower', value: measurement.bytes };
    case 'breakdown':
      return {
        kind: 'breakdown',
        unit: 'ms',
        better: 'lower',
        value: measurement.totalMs ?? Object.values(measurement.phasesMs).reduce((a, b) => a + b, 0),
      };
    case 'value':
      return {
        kind: 'value',
        unit: measurement.unit,
        better: valueDirection(key, measurement, registry),
        value: measurement.value,
      };
    case 'plan':
      return undefined;
  }
}

/**
 * A value's direction: what the bench says (`better`), else what its target implies (a floor:
 * higher; a ceiling: lower), else lower for a duration in ms; otherwise unknown.
 */
export function valueDirection(
  key: string,
  measurement: Extract<Measurement, { kind: 'value' }>,
  registry: TargetRegistry,
): Better | null {
  if (measurement.better) return measurement.better;
  const target = registry[key]?.targets[0];
  if (target) return target.metric === 'throughput-min' ? 'higher' : 'lower';
  return measurement.unit === 'ms' ? 'lower' : null;
}

/** The figure without its samples: what a history line or a summary keeps. */
export function headline({ samplesMs: _samples, ...figure }: Figure): Figure {
  return figure;
}

/** Why `data` is not a Figure, or undefined when it is one (for files read back). */
export function figureProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'is not an object';
  const f = data as Record<string, unknown>;
  if (!FIGURE_KINDS.includes(f.kind as FigureKind)) return `kind is ${JSON.stringify(f.kind)}`;
  if (typeof f.unit !== 'string') return 'unit is not a string';
  if (f.better !== null && f.better !== 'higher' && f.better !== 'lower')
    return `better is ${JSON.stringify(f.better)} (expected "higher", "lower" or null)`;
  if (typeof f.value !== 'number' || !Number.isFinite(f.value)) return 'value is not a finite number';
  if (f.samplesMs !== undefined) {
    if (!Array.isArray(f.samplesMs) || f.samplesMs.length === 0) return 'samplesMs is not a non-empty array';
    if (!f.samplesMs.every((x) => typeof x === 'number' && Number.isFinite(x)))
      return 'samplesMs holds a non-number';
  }
  return undefined;
}
