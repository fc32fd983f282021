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
  /** empty for a reported figure: no threshold, only its `noise` for baseline comparisons */
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

/** "≥" for a floor (throughput-min), "≤" for every other metric, which is a ceiling. */
export function targetBound(metric: TargetMetric | string): '≥' | '≤' {
  return metric === 'throughput-min' ? '≥' : '≤';
}

/**
 * The seed format's performance ratio: threshold ÷ measured for a "≤" target, measured ÷ threshold
 * for a "≥" target, so above 1 always means better than the target (17.7 ms against a 50 ms ceiling
 * is 50 / 17.7 = 2.8; 800/s against a 1,000/s floor is 0.8). Undefined when it is not a finite
 * number (a measured 0 against a ceiling): the verdict is still "within", but no factor is honest.
 */
export function performanceRatio(metric: TargetMetric, value: number, threshold: number): number | undefined {
  const ratio = targetBound(metric) === '≥' ? value / threshold : threshold / value;
  return Number.isFinite(ratio) ? ratio : undefined;
}

/** A ratio in words: "2.8x better than target", "1.3x worse than target" (the inverse, so both
 *  read as a factor ≥ 1). One decimal, two when one would round a miss or a pass to "1.0x". */
export function ratioVerdict(ratio: number): string {
  const better = ratio >= 1;
  const factor = better ? ratio : 1 / ratio;
  const oneDecimal = factor.toFixed(1);
  const shown = oneDecimal === '1.0' && factor !== 1 ? factor.toFixed(2) : oneDecimal;
  return `${shown}x ${better ? 'better' : 'worse'} than target`;
}

/** Unit of a metric's threshold, for reports. */
export function metricUnit(metric: TargetMetric): 'ms' | '/s' | '' {
  if (isLatencyMetric(metric)) return 'ms';
  return metric === 'throughput-min' ? '/s' : '';
}
