/**
 * Percentiles from raw samples, by linear interpolation between closest ranks (Hyndman & Fan type 7:
 * h = (n − 1)·p, the method tinybench uses), so our p50/p99 agree with Vitest's bench table.
 *
 * A percentile is only reported when the sample count supports it: at least 1 / (1 − p) samples, so
 * that on average one sample lies beyond it (p50 ≥ 2, p95 ≥ 20, p99 ≥ 100). Below that the "p99" is
 * just the maximum in disguise, and the report says so instead of printing it.
 */

/** A percentile that was computed, or withheld with the reason. */
export type ReportedPercentile = { value: number; reason?: undefined } | { value: undefined; reason: string };

/** Ascending copy of the samples. */
export function sortAscending(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** The p-quantile (0 ≤ p ≤ 1) of ascending samples, type-7 interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile rank must be within [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const below = sorted[lower] as number;
  const above = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  return below + (h - lower) * (above - below);
}

/** Smallest sample count that supports the p-quantile: ⌈1 / (1 − p)⌉ (p50 → 2, p95 → 20, p99 → 100). */
export function minSamplesFor(p: number): number {
  if (p >= 1) return Number.POSITIVE_INFINITY;
  // the epsilon keeps 1 / (1 − 0.99) = 100.00000000000009 from rounding up to 101
  return Math.max(1, Math.ceil(1 / (1 - p) - 1e-9));
}

/** The p-quantile when the sample count supports it, else `undefined` and why. */
export function reportedPercentile(sorted: readonly number[], p: number): ReportedPercentile {
  const needed = minSamplesFor(p);
  if (sorted.length < needed) {
    return {
      value: undefined,
      reason: `p${formatRank(p)} needs ≥ ${needed} samples (have ${sorted.length})`,
    };
  }
  return { value: percentile(sorted, p) };
}

function formatRank(p: number): string {
  return String(Math.round(p * 1000) / 10);
}
