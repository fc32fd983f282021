/**
 * A performance target: for one bench (or recorded measurement), a metric and the threshold it must
 * meet, with the reference figure the threshold comes from. Keys are `<suite>/<name>`: the bench
 * file's name without `.bench.ts`, and the name given to `bench(name, …)` or `record(task, name, …)`.
 */

/** mean/p50/p95/p99: latency in ms, at most `threshold`; throughput-min: per second, at least
 *  `threshold`; value-max: a recorded growth ratio or value, at most `threshold`. */
export type TargetMetric = 'mean' | 'p50' | 'p95' | 'p99' | 'throughput-min' | 'value-max';

export interface Target {
  metric: TargetMetric;
  threshold: number;
  /** where the threshold comes from (issue, tasker-core figure, peer measurement) */
  reference: string;
}

export interface BenchTargets {
  targets: Target[];
  /** relative change of the median a baseline comparison treats as noise (default 0.15) */
  noise?: number;
}

export type TargetRegistry = Readonly<Record<string, BenchTargets>>;

/** Changes of the median within ±15% are noise for anything that touches the database. */
export const DEFAULT_NOISE = 0.15;

export function targetKey(suite: string, name: string): string {
  return `${suite}/${name}`;
}

export function isLatencyMetric(metric: TargetMetric): metric is 'mean' | 'p50' | 'p95' | 'p99' {
  return metric === 'mean' || metric === 'p50' || metric === 'p95' || metric === 'p99';
}

/** Unit of a metric's threshold, for reports. */
export function metricUnit(metric: TargetMetric): 'ms' | '/s' | '' {
  if (isLatencyMetric(metric)) return 'ms';
  return metric === 'throughput-min' ? '/s' : '';
}
