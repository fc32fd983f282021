/**
 * Each figure of one run against the same figure in the earlier runs of the history: the consumer is
 * `bench:ci`, which prints the table and puts it in the PR comment. The history keeps one value per
 * figure per run (the median for latency), so every figure is compared the same way, on those values:
 *
 *   earlier runs   the last MAX_EARLIER_RUNS runs of the same figure, unit, profile and machine
 *                  (provider, CPU model and count): figures from another machine are not comparable
 *   ≥ 2 earlier    95% prediction interval of the earlier values, mean ± t(n−1)·sd·√(1 + 1/n); the
 *                  current value outside it is significant (`prediction-interval`)
 *   1 earlier      the relative change alone (`relative-change`)
 *   threshold      the registry's noise for the figure, else SINGLE_VALUE_NOISE (±25%): a value per
 *                  run carries the run-to-run drift of a shared machine
 *
 * and the verdict in the figure's direction (figureVerdict.ts); change = current / mean(earlier) − 1.
 */
import { SINGLE_VALUE_NOISE } from '../baseline/compareToBaseline.ts';
import {
  type FigureTest,
  type FigureVerdict,
  figureVerdict,
  relativeChange,
} from '../baseline/figureVerdict.ts';
import type { Better, FigureKind } from '../baseline/runFigures.ts';
import { tCritical95 } from '../stats/studentT.ts';
import { type TargetRegistry, targetKey } from '../targets/target.ts';
import type { HistoryLine } from './historyFile.ts';

export const MAX_EARLIER_RUNS = 10;

export interface HistoryRow {
  key: string;
  kind: FigureKind;
  unit: string;
  better: Better | null;
  current: number;
  /** values of the earlier runs, oldest first; empty: the figure is new to the history */
  earlier: number[];
  /** the mean of `earlier` */
  reference: number | undefined;
  change: number | undefined;
  threshold: number;
  test: FigureTest | undefined;
  /** the 95% prediction interval of the earlier values (prediction-interval only) */
  interval?: { low: number; high: number };
  /** undefined: new to the history */
  verdict: FigureVerdict | undefined;
}

/**
 * `current`: the lines of the run to judge (one run: bench:ci passes the lines written since it
 * started); every other line of `history` older than them is a candidate earlier run.
 */
export function compareWithHistory(
  history: readonly HistoryLine[],
  current: readonly HistoryLine[],
  registry: TargetRegistry,
  { maxEarlierRuns = MAX_EARLIER_RUNS }: { maxEarlierRuns?: number } = {},
): HistoryRow[] {
  return current.map((line) => {
    const key = targetKey(line.suite, line.name);
    const earlier = history
      .filter((h) => h.timestamp < line.timestamp && sameFigure(h, line))
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .slice(-maxEarlierRuns)
      .map((h) => h.value);
    const threshold = registry[key]?.noise ?? SINGLE_VALUE_NOISE;
    const row = {
      key,
      kind: line.kind,
      unit: line.unit,
      better: line.better,
      current: line.value,
      earlier,
      threshold,
    };
    if (earlier.length === 0)
      return { ...row, reference: undefined, change: undefined, test: undefined, verdict: undefined };
    const reference = mean(earlier);
    const change = relativeChange(reference, line.value);
    if (earlier.length === 1)
      return {
        ...row,
        reference,
        change,
        test: 'relative-change',
        verdict: figureVerdict(change, line.better, threshold, undefined),
      };
    const interval = predictionInterval(earlier);
    const significant = line.value < interval.low || line.value > interval.high;
    return {
      ...row,
      reference,
      change,
      test: 'prediction-interval',
      interval,
      verdict: figureVerdict(change, line.better, threshold, significant),
    };
  });
}

/** 95% prediction interval of one more draw from the distribution of `values` (n ≥ 2). */
export function predictionInterval(values: readonly number[]): { low: number; high: number } {
  const n = values.length;
  const m = mean(values);
  const sd = Math.sqrt(values.reduce((sum, x) => sum + (x - m) ** 2, 0) / (n - 1));
  const margin = tCritical95(n - 1) * sd * Math.sqrt(1 + 1 / n);
  return { low: m - margin, high: m + margin };
}

function sameFigure(a: HistoryLine, b: HistoryLine): boolean {
  return (
    a.suite === b.suite &&
    a.name === b.name &&
    a.unit === b.unit &&
    a.environment?.profile === b.environment?.profile &&
    a.environment?.provider === b.environment?.provider &&
    a.environment?.cpu === b.environment?.cpu &&
    a.environment?.cpuCount === b.environment?.cpuCount
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}
