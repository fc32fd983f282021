/**
 * Holds each bench and recorded measurement of a suite against the target registry: one row per
 * target (a bench may have several, e.g. p50 and p95), or one "no target" row with its headline
 * figure. `ratio` is the seed format's performance ratio (`performanceRatio`): threshold / value for
 * "at most" metrics and value / threshold for throughput, so in every row above 1 means better than
 * the target and below 1 means over it.
 */
import type { Measurement } from '../record/measurement.ts';
import type { SampleSummary } from '../stats/summarizeSamples.ts';
import {
  isLatencyMetric,
  performanceRatio,
  type Target,
  type TargetMetric,
  type TargetRegistry,
  targetKey,
} from '../targets/target.ts';
import type { SuiteResult } from './suiteResult.ts';

export type TargetStatus = 'within' | 'over' | 'withheld' | 'no-target';

export interface EvaluatedRow {
  key: string;
  name: string;
  source: 'bench' | 'record';
  /** the metric shown: the target's, or the headline one when there is no target */
  metric: TargetMetric | 'bytes' | 'total' | 'value';
  value: number | undefined;
  unit: string;
  threshold?: number;
  ratio?: number;
  status: TargetStatus;
  reference?: string;
  /** why a value is missing (a withheld percentile, a metric the measurement does not have) */
  reason?: string;
}

interface Figures {
  summary?: SampleSummary;
  perSecond?: number;
  value?: number;
  unit: string;
}

export function evaluateTargets(suite: SuiteResult, registry: TargetRegistry): EvaluatedRow[] {
  const rows: EvaluatedRow[] = [];
  const add = (name: string, source: 'bench' | 'record', figures: Figures) => {
    const key = targetKey(suite.suite, name);
    const targets = registry[key]?.targets ?? [];
    if (targets.length === 0) rows.push(headline(key, name, source, figures));
    for (const target of targets) rows.push(evaluate(key, name, source, figures, target));
  };
  for (const bench of suite.benches) {
    if (bench.fromStore) continue;
    add(bench.name, 'bench', { summary: bench.summary, perSecond: bench.opsPerSecond, unit: 'ms' });
  }
  for (const entry of suite.records) {
    const figures = recordFigures(entry.measurement, entry.summary);
    if (figures) add(entry.name, 'record', figures);
  }
  return rows;
}

function recordFigures(measurement: Measurement, summary: SampleSummary | undefined): Figures | undefined {
  switch (measurement.kind) {
    case 'latency':
      return summary ? { summary, unit: 'ms' } : undefined;
    case 'throughput':
      return { perSecond: measurement.perSecond, unit: `${measurement.unit}/s` };
    case 'growth':
      return { value: measurement.ratio, unit: 'x' };
    case 'value':
      return { value: measurement.value, unit: measurement.unit };
    case 'bytes':
      return { value: measurement.bytes, unit: 'bytes' };
    case 'breakdown':
      return {
        value: measurement.totalMs ?? Object.values(measurement.phasesMs).reduce((a, b) => a + b, 0),
        unit: 'ms',
      };
    case 'plan':
      return undefined;
  }
}

function headline(key: string, name: string, source: 'bench' | 'record', figures: Figures): EvaluatedRow {
  if (figures.summary)
    return {
      key,
      name,
      source,
      metric: 'mean',
      value: figures.summary.mean,
      unit: 'ms',
      status: 'no-target',
    };
  if (figures.perSecond !== undefined) {
    return {
      key,
      name,
      source,
      metric: 'throughput-min',
      value: figures.perSecond,
      unit: figures.unit,
      status: 'no-target',
    };
  }
  const metric = figures.unit === 'bytes' ? 'bytes' : figures.unit === 'ms' ? 'total' : 'value';
  return { key, name, source, metric, value: figures.value, unit: figures.unit, status: 'no-target' };
}

function evaluate(
  key: string,
  name: string,
  source: 'bench' | 'record',
  figures: Figures,
  target: Target,
): EvaluatedRow {
  const base = {
    key,
    name,
    source,
    metric: target.metric,
    threshold: target.threshold,
    reference: target.reference,
  };
  const { metric } = target;
  let value: number | undefined;
  let unit = figures.unit;
  let reason: string | undefined;
  if (isLatencyMetric(metric)) {
    value = figures.summary?.[metric];
    unit = 'ms';
    if (value === undefined) {
      reason = figures.summary
        ? (figures.summary.withheld.find((r) => r.startsWith(metric)) ?? `${metric} not available`)
        : `${metric} needs latency samples; this measurement has none`;
    }
  } else if (metric === 'throughput-min') {
    value = figures.perSecond;
    if (value === undefined) reason = 'throughput-min needs a throughput measurement';
  } else {
    value = figures.value;
    if (value === undefined) reason = 'value-max needs a recorded value or growth ratio';
  }
  if (value === undefined)
    return { ...base, value, unit, status: 'withheld', reason: reason ?? 'not available' };
  const within = metric === 'throughput-min' ? value >= target.threshold : value <= target.threshold;
  const ratio = performanceRatio(metric, value, target.threshold);
  return {
    ...base,
    value,
    unit,
    ...(ratio === undefined ? {} : { ratio }),
    status: within ? 'within' : 'over',
  };
}
