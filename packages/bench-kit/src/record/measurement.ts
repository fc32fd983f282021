/**
 * What a bench can record besides its timed function: the figures that do not come out of tinybench's
 * closed loop. Each kind names its unit in its field names (ms, per second, bytes), so a report never
 * has to guess. `validateMeasurement` runs in the bench, so a bad figure fails there, not in the reporter.
 */
import type { PlanSummary } from '../explain/planSummary.ts';

export type Measurement =
  /** Latencies measured by the bench itself (open-loop runs, time until the last listener hears, …). */
  | { kind: 'latency'; samplesMs: number[]; note?: string }
  /** A rate over a load run: `count` units of `unit` in `durationMs`. */
  | {
      kind: 'throughput';
      perSecond: number;
      unit: string;
      count?: number;
      durationMs?: number;
      note?: string;
    }
  /** Where the time of one operation goes, phase by phase (ms, in order). */
  | { kind: 'breakdown'; phasesMs: Record<string, number>; totalMs?: number; note?: string }
  /** A size: payload, table, WAL, memory. */
  | { kind: 'bytes'; bytes: number; note?: string }
  /** How much a figure grows between two sizes, e.g. mean at 5K tasks → 100K tasks. */
  | { kind: 'growth'; ratio: number; from: string; to: string; note?: string }
  /**
   * Any other single number with its unit. `better` says which way is an improvement, so baselines,
   * `bench:ab` and the history can call a change better or worse; without it (a count, a setting) a
   * change beyond the noise is reported as "changed". (Latency, bytes and growth are lower-is-better
   * and throughput higher-is-better by kind.)
   */
  | { kind: 'value'; value: number; unit: string; better?: 'higher' | 'lower'; note?: string }
  /** A query plan from `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, see `explain/`. */
  | { kind: 'plan'; plan: PlanSummary };

export type MeasurementKind = Measurement['kind'];

export function validateMeasurement(name: string, measurement: Measurement): void {
  const fail = (problem: string): never => {
    throw new TypeError(`record("${name}", { kind: '${measurement.kind}' }): ${problem}`);
  };
  const finite = (value: number | undefined, field: string) => {
    if (value !== undefined && !Number.isFinite(value))
      fail(`${field} must be a finite number, got ${value}`);
  };
  if (name.trim() === '') fail('the name must not be empty');
  switch (measurement.kind) {
    case 'latency':
      if (measurement.samplesMs.length === 0) fail('samplesMs is empty');
      measurement.samplesMs.forEach((x, i) => {
        finite(x, `samplesMs[${i}]`);
      });
      return;
    case 'throughput':
      finite(measurement.perSecond, 'perSecond');
      finite(measurement.count, 'count');
      finite(measurement.durationMs, 'durationMs');
      return;
    case 'breakdown':
      if (Object.keys(measurement.phasesMs).length === 0) fail('phasesMs is empty');
      for (const [phase, ms] of Object.entries(measurement.phasesMs)) finite(ms, `phasesMs.${phase}`);
      finite(measurement.totalMs, 'totalMs');
      return;
    case 'bytes':
      finite(measurement.bytes, 'bytes');
      return;
    case 'growth':
      finite(measurement.ratio, 'ratio');
      return;
    case 'value':
      finite(measurement.value, 'value');
      if (
        measurement.better !== undefined &&
        measurement.better !== 'higher' &&
        measurement.better !== 'lower'
      )
        fail(`better must be "higher" or "lower", got ${JSON.stringify(measurement.better)}`);
      return;
    case 'plan':
      return;
  }
}
