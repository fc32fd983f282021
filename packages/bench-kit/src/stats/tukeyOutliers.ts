/**
 * Tukey-fence outlier classification: quartiles by the same type-7 interpolation as `percentile`;
 * a sample beyond 1.5 × IQR outside the quartiles is a mild outlier, beyond 3 × IQR a severe one.
 * Outliers are counted for the reports and never dropped from any statistic.
 */
import { percentile, sortAscending } from './percentile.ts';

export interface OutlierFences {
  q1: number;
  q3: number;
  iqr: number;
  /** q1 − 1.5·IQR and q3 + 1.5·IQR */
  inner: [number, number];
  /** q1 − 3·IQR and q3 + 3·IQR */
  outer: [number, number];
}

export interface OutlierCounts {
  /** beyond the inner fences, within the outer ones */
  mild: number;
  /** beyond the outer fences */
  severe: number;
  /** how many of mild + severe lie above q3 (slow samples, for latency) */
  high: number;
  /** how many lie below q1 */
  low: number;
  fences: OutlierFences;
}

export function tukeyFences(sorted: readonly number[]): OutlierFences {
  const q1 = percentile(sorted, 0.25);
  const q3 = percentile(sorted, 0.75);
  const iqr = q3 - q1;
  return {
    q1,
    q3,
    iqr,
    inner: [q1 - 1.5 * iqr, q3 + 1.5 * iqr],
    outer: [q1 - 3 * iqr, q3 + 3 * iqr],
  };
}

export function classifyOutliers(samples: readonly number[]): OutlierCounts {
  const fences = tukeyFences(sortAscending(samples));
  const counts: OutlierCounts = { mild: 0, severe: 0, high: 0, low: 0, fences };
  for (const x of samples) {
    if (x < fences.outer[0] || x > fences.outer[1]) counts.severe++;
    else if (x < fences.inner[0] || x > fences.inner[1]) counts.mild++;
    else continue;
    if (x > fences.q3) counts.high++;
    else counts.low++;
  }
  return counts;
}
