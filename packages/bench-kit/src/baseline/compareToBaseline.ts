/**
 * Baseline comparison of one bench: medians, not means (a few slow outliers move a mean, not a
 * median). A change counts only when it is both beyond the bench's noise threshold (default ±15%,
 * per bench in the target registry) and statistically significant on the raw samples — Mann–Whitney
 * p < 0.05, or a bootstrap 95% interval of the ratio of medians that excludes 1.
 */
import { bootstrapMedianRatio, type RatioInterval } from '../stats/bootstrapMedianRatio.ts';
import { mannWhitneyU } from '../stats/mannWhitney.ts';
import { median } from '../stats/median.ts';
import { DEFAULT_NOISE } from '../targets/target.ts';

export type BaselineVerdict = 'Improved' | 'Stable' | 'Regressed';

export interface BaselineComparison {
  baselineMedian: number;
  currentMedian: number;
  /** current / baseline − 1 on the medians: +0.2 is 20% slower */
  change: number;
  interval: RatioInterval;
  pValue: number;
  noise: number;
  significant: boolean;
  verdict: BaselineVerdict;
}

export const SIGNIFICANCE = 0.05;

export function compareToBaseline(
  baseline: readonly number[],
  current: readonly number[],
  { noise = DEFAULT_NOISE, seed = 1 }: { noise?: number; seed?: number } = {},
): BaselineComparison {
  const baselineMedian = median(baseline);
  const currentMedian = median(current);
  const change = currentMedian / baselineMedian - 1;
  const interval = bootstrapMedianRatio(baseline, current, { seed });
  const { pValue } = mannWhitneyU(baseline, current);
  const significant = pValue < SIGNIFICANCE || interval.low > 1 || interval.high < 1;
  let verdict: BaselineVerdict = 'Stable';
  if (significant && change > noise) verdict = 'Regressed';
  else if (significant && change < -noise) verdict = 'Improved';
  return { baselineMedian, currentMedian, change, interval, pValue, noise, significant, verdict };
}
