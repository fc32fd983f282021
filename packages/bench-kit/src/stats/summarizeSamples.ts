/**
 * The summary of one sample set that every report shows, in tinybench's vocabulary: mean, sd (sample
 * standard deviation), sem, moe and rme (95% margin of error, absolute and relative to the mean, %),
 * min, max, p50, p95, p99 (each only when the sample count supports it, see `percentile.ts`), the
 * sample count, and Tukey outlier counts (counted, never dropped).
 */

import { reportedPercentile, sortAscending } from './percentile.ts';
import { tCritical95 } from './studentT.ts';
import { classifyOutliers } from './tukeyOutliers.ts';

export interface SampleSummary {
  samplesCount: number;
  mean: number;
  sd: number;
  sem: number;
  moe: number;
  rme: number;
  min: number;
  max: number;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  /** why a percentile was withheld, e.g. "p99 needs ≥ 100 samples (have 42)" */
  withheld: string[];
  outliers: { mild: number; severe: number } | undefined;
}

export function summarizeSamples(samples: readonly number[]): SampleSummary {
  const n = samples.length;
  if (n === 0) throw new RangeError('summary of no samples');
  const sorted = sortAscending(samples);
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / n;
  let squares = 0;
  for (const x of sorted) squares += (x - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  const sem = sd / Math.sqrt(n);
  const moe = n > 1 ? sem * tCritical95(n - 1) : 0;
  const percentiles = [0.5, 0.95, 0.99].map((p) => reportedPercentile(sorted, p));
  const [p50, p95, p99] = percentiles;
  const outliers = classifyOutliers(sorted);
  return {
    samplesCount: n,
    mean,
    sd,
    sem,
    moe,
    rme: mean === 0 ? Number.POSITIVE_INFINITY : (100 * moe) / Math.abs(mean),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    p50: p50?.value,
    p95: p95?.value,
    p99: p99?.value,
    withheld: percentiles.flatMap((p) => (p.reason === undefined ? [] : [p.reason])),
    outliers: { mild: outliers.mild, severe: outliers.severe },
  };
}
