/**
 * A figure of this run against the same figure of a stored baseline (one earlier run).
 *
 * Latency with raw samples on both sides (`compareToBaseline`): medians, not means (a few slow
 * outliers move a mean, not a median). A change counts only when it is beyond the bench's noise
 * threshold (default ±15%, per bench in the target registry) and significant on the raw samples —
 * Mann–Whitney p < 0.05, or a bootstrap 95% interval of the ratio of medians that excludes 1;
 * beyond the threshold but not significant is inconclusive.
 *
 * A figure with one value per run (throughput, growth, bytes, a ratio; or a bench whose samples were
 * not kept): the stored run has one value, so no significance test is possible, and the relative
 * change against a wider threshold (±25% unless the registry sets the figure's noise) decides in the
 * figure's direction — higher is better for throughput, lower for latency, memory and growth.
 */
import { bootstrapMedianRatio, type RatioInterval } from '../stats/bootstrapMedianRatio.ts';
import { mannWhitneyU } from '../stats/mannWhitney.ts';
import { median } from '../stats/median.ts';
import { DEFAULT_NOISE } from '../targets/target.ts';
import { type FigureTest, type FigureVerdict, figureVerdict, relativeChange } from './figureVerdict.ts';
import type { Better, Figure, FigureKind } from './runFigures.ts';

export interface BaselineComparison {
  baselineMedian: number;
  currentMedian: number;
  /** current / baseline − 1 on the medians: +0.2 is 20% slower */
  change: number;
  interval: RatioInterval;
  pValue: number;
  noise: number;
  significant: boolean;
  verdict: FigureVerdict;
}

/** One figure against its stored counterpart, whichever test applied. */
export interface FigureComparison {
  kind: FigureKind;
  unit: string;
  better: Better | null;
  /** the stored value and this run's (medians for latency) */
  baseline: number;
  current: number;
  /** current / baseline − 1 */
  change: number;
  threshold: number;
  test: FigureTest;
  /** samples only: Mann–Whitney p and the bootstrap interval of current/baseline */
  pValue?: number;
  interval?: RatioInterval;
  verdict: FigureVerdict;
}

export const SIGNIFICANCE = 0.05;

/** One run's single value carries that run's whole spread (no median of many samples): a wider
 *  default than the ±15% of a sampled median. A halving (−50%) or a doubling is far beyond it. */
export const SINGLE_VALUE_NOISE = 0.25;

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
  const verdict = figureVerdict(change, 'lower', noise, significant);
  return { baselineMedian, currentMedian, change, interval, pValue, noise, significant, verdict };
}

/**
 * `noise`: the figure's threshold from the registry, when it sets one; otherwise DEFAULT_NOISE for
 * samples and SINGLE_VALUE_NOISE for single values.
 */
export function compareFigure(
  stored: Figure,
  current: Figure,
  { noise, seed = 1 }: { noise?: number; seed?: number } = {},
): FigureComparison {
  const { kind, unit, better } = current;
  if (stored.samplesMs?.length && current.samplesMs?.length) {
    const c = compareToBaseline(stored.samplesMs, current.samplesMs, { noise: noise ?? DEFAULT_NOISE, seed });
    return {
      kind,
      unit,
      better,
      baseline: c.baselineMedian,
      current: c.currentMedian,
      change: c.change,
      threshold: c.noise,
      test: 'mann-whitney+bootstrap',
      pValue: c.pValue,
      interval: c.interval,
      verdict: c.verdict,
    };
  }
  const threshold = noise ?? SINGLE_VALUE_NOISE;
  const change = relativeChange(stored.value, current.value);
  return {
    kind,
    unit,
    better,
    baseline: stored.value,
    current: current.value,
    change,
    threshold,
    test: 'relative-change',
    verdict: figureVerdict(change, better, threshold, undefined),
  };
}
