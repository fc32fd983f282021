/**
 * The one vocabulary of every comparison of two figures — stored baseline, `bench:ab`, history:
 *
 *   improved      beyond the threshold in the figure's better direction, and the test (if any) agrees
 *   regressed     beyond the threshold in its worse direction, and the test (if any) agrees
 *   changed       beyond the threshold and the test agrees, but the figure has no better direction
 *   inconclusive  beyond the threshold, but the test cannot tell it from noise (or cannot be run)
 *   unchanged     within the threshold
 *
 * and the tests that decide, named in every report so a reader knows what a verdict rests on.
 */
import type { Better } from './runFigures.ts';

export type FigureVerdict = 'improved' | 'regressed' | 'changed' | 'inconclusive' | 'unchanged';

export type FigureTest =
  /** raw samples on both sides: rank test and bootstrap interval of the ratio of medians */
  | 'mann-whitney+bootstrap'
  /** bench:ab latency: bootstrap interval of the pooled medians, every round agreeing */
  | 'bootstrap-pooled-rounds'
  /** one value per round on each side: Welch's t interval of the difference of means */
  | 'welch-t-rounds'
  /** one value per side (a stored baseline): the relative change against the threshold alone */
  | 'relative-change'
  /** one value now against one per earlier run: 95% prediction interval of the earlier runs */
  | 'prediction-interval';

export const TEST_DESCRIPTION: Record<FigureTest, string> = {
  'mann-whitney+bootstrap':
    'samples: Mann–Whitney U p < 0.05 or bootstrap 95% CI of the median ratio excluding 1',
  'bootstrap-pooled-rounds':
    'samples: bootstrap 95% CI of the ratio of pooled medians excluding 1, every round agreeing',
  'welch-t-rounds': "one value per round: Welch's t 95% CI of the difference of round means excluding 0",
  'relative-change': 'one value each: the relative change against the threshold, no significance test',
  'prediction-interval': 'one value per run: outside the 95% prediction interval of the earlier runs',
};

export const VERDICT_MARK: Record<FigureVerdict, string> = {
  improved: '🟢 improved',
  regressed: '🔴 regressed',
  changed: '🟡 changed',
  inconclusive: '❔ inconclusive',
  unchanged: '⚪ unchanged',
};

/** Worst news first, for tables: what regressed, then what improved, … then what did not move. */
export const VERDICT_RANK: Record<FigureVerdict, number> = {
  regressed: 0,
  improved: 1,
  changed: 2,
  inconclusive: 3,
  unchanged: 4,
};

/** after / before − 1, defined when `before` is 0 (±Infinity, or 0 when both are). */
export function relativeChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Math.sign(after) * Number.POSITIVE_INFINITY;
  return after / before - 1;
}

/**
 * The verdict of a relative change `change` (after / before − 1) of a figure whose better direction
 * is `better`. `significant`: what the test says; undefined when no test applies (one value each),
 * so the threshold alone decides.
 */
export function figureVerdict(
  change: number,
  better: Better | null,
  threshold: number,
  significant: boolean | undefined,
): FigureVerdict {
  if (Number.isNaN(change)) return 'inconclusive';
  if (Math.abs(change) <= threshold) return 'unchanged';
  if (significant === false) return 'inconclusive';
  if (better === null) return 'changed';
  const worse = better === 'lower' ? change > 0 : change < 0;
  return worse ? 'regressed' : 'improved';
}

/** "higher is better" / "lower is better" / "no better direction", for tables. */
export function directionLabel(better: Better | null): string {
  return better === null ? 'no better direction' : `${better} is better`;
}
