/**
 * The verdict of an A/B run (`pnpm bench:ab`): base and head ran interleaved, A B A B …, each round a
 * separate `vitest bench` of each side against the same database server, so machine drift over the
 * run hits both sides alike. Every figure of a round (runFigures.ts) is compared, by what it carries:
 *
 *   latency with samples in every round (test `bootstrap-pooled-rounds`)
 *     ratio     median(head) / median(base) over the pooled samples of every round
 *     interval  percentile-bootstrap 95% interval of that ratio (src/stats/bootstrapMedianRatio)
 *     agreed    the per-round ratios all on the interval's side of 1 — the one thing pooling hides
 *               is a single disturbed round moving the pooled median
 *   one value per round — throughput, growth, bytes, ratios, totals (test `welch-t-rounds`)
 *     ratio     mean(head rounds) / mean(base rounds)
 *     interval  Welch's t 95% interval of the difference of the round means, as a ratio to the base
 *               mean; one round per side allows no test, so a change beyond the threshold is
 *               inconclusive (run --rounds 3)
 *
 * Verdict (figureVerdict.ts), in the figure's better direction: beyond the threshold (default 5% —
 * interleaving removes the drift a stored baseline suffers, so a smaller effect is trustworthy here
 * than the 15–25% of a baseline comparison) and significant: improved or regressed (changed for a
 * figure without a direction); beyond but not significant: inconclusive; within: unchanged.
 */
import { type FigureTest, type FigureVerdict, figureVerdict } from '../baseline/figureVerdict.ts';
import type { Better, Figure, FigureKind, RunFigures } from '../baseline/runFigures.ts';
import { bootstrapMedianRatio } from '../stats/bootstrapMedianRatio.ts';
import { median } from '../stats/median.ts';
import { welchT } from '../stats/welchT.ts';

/** One round of one side: every figure it recorded. */
export type RoundFigures = RunFigures;

export interface AbRow {
  key: string;
  kind: FigureKind;
  unit: string;
  better: Better | null;
  /** latency: medians of the pooled samples; other figures: means of the round values */
  base: number;
  head: number;
  /** head / base */
  ratio: number;
  /** 95% interval of head/base; undefined when no test could run (one round per side) */
  interval: { low: number; high: number } | undefined;
  /** the figure's value in each round, in run order (latency: each round's median) */
  rounds: { base: number[]; head: number[] };
  /** head/base within each round that has both sides */
  roundRatios: number[];
  /** pooled sample counts (latency with samples only) */
  samples?: { base: number; head: number };
  test: FigureTest;
  verdict: FigureVerdict;
}

export interface AbResult {
  rows: AbRow[];
  /** figures measured on one side only (added or removed by the change) */
  onlyBase: string[];
  onlyHead: string[];
  /** figures on both sides whose kind or unit differs: not comparable */
  incomparable: string[];
}

export const DEFAULT_AB_THRESHOLD = 0.05;

export function compareAb(
  base: readonly RoundFigures[],
  head: readonly RoundFigures[],
  { threshold = DEFAULT_AB_THRESHOLD, seed = 1 }: { threshold?: number; seed?: number } = {},
): AbResult {
  const keys = (rounds: readonly RoundFigures[]) => new Set(rounds.flatMap((r) => Object.keys(r)));
  const baseKeys = keys(base);
  const headKeys = keys(head);
  const rows: AbRow[] = [];
  const incomparable: string[] = [];
  for (const key of [...headKeys].filter((k) => baseKeys.has(k)).sort()) {
    const baseFigures = base.flatMap((r) => (r[key] ? [r[key]] : []));
    const headFigures = head.flatMap((r) => (r[key] ? [r[key]] : []));
    const first = headFigures[0] as Figure;
    if (![...baseFigures, ...headFigures].every((f) => f.kind === first.kind && f.unit === first.unit)) {
      incomparable.push(key);
      continue;
    }
    const roundRatios: number[] = [];
    for (let i = 0; i < Math.min(base.length, head.length); i++) {
      const b = base[i]?.[key];
      const h = head[i]?.[key];
      if (b && h) roundRatios.push(h.value / b.value);
    }
    const common = {
      key,
      kind: first.kind,
      unit: first.unit,
      better: first.better,
      rounds: { base: baseFigures.map((f) => f.value), head: headFigures.map((f) => f.value) },
      roundRatios,
    };
    const sampled = [...baseFigures, ...headFigures].every((f) => f.samplesMs?.length);
    rows.push(
      sampled
        ? {
            ...common,
            ...pooledSamples(baseFigures, headFigures, roundRatios, first.better, threshold, seed),
          }
        : { ...common, ...roundValues(common.rounds.base, common.rounds.head, first.better, threshold) },
    );
  }
  return {
    rows,
    onlyBase: [...baseKeys].filter((k) => !headKeys.has(k)).sort(),
    onlyHead: [...headKeys].filter((k) => !baseKeys.has(k)).sort(),
    incomparable,
  };
}

type Judged = Pick<AbRow, 'base' | 'head' | 'ratio' | 'interval' | 'samples' | 'test' | 'verdict'>;

function pooledSamples(
  baseFigures: readonly Figure[],
  headFigures: readonly Figure[],
  roundRatios: readonly number[],
  better: Better | null,
  threshold: number,
  seed: number,
): Judged {
  const pooledBase = baseFigures.flatMap((f) => f.samplesMs ?? []);
  const pooledHead = headFigures.flatMap((f) => f.samplesMs ?? []);
  const interval = bootstrapMedianRatio(pooledBase, pooledHead, { seed });
  const above = interval.low > 1 && roundRatios.every((r) => r > 1);
  const below = interval.high < 1 && roundRatios.every((r) => r < 1);
  return {
    base: median(pooledBase),
    head: median(pooledHead),
    ratio: interval.ratio,
    interval: { low: interval.low, high: interval.high },
    samples: { base: pooledBase.length, head: pooledHead.length },
    test: 'bootstrap-pooled-rounds',
    verdict: figureVerdict(interval.ratio - 1, better, threshold, above || below),
  };
}

function roundValues(
  base: readonly number[],
  head: readonly number[],
  better: Better | null,
  threshold: number,
): Judged {
  const baseMean = mean(base);
  const headMean = mean(head);
  const ratio = headMean / baseMean;
  if (base.length < 2 || head.length < 2) {
    // one round on a side: no spread to test against
    return {
      base: baseMean,
      head: headMean,
      ratio,
      interval: undefined,
      test: 'welch-t-rounds',
      verdict: figureVerdict(ratio - 1, better, threshold, false),
    };
  }
  const welch = welchT(base, head);
  return {
    base: baseMean,
    head: headMean,
    ratio,
    interval: { low: 1 + welch.low / baseMean, high: 1 + welch.high / baseMean },
    test: 'welch-t-rounds',
    verdict: figureVerdict(ratio - 1, better, threshold, welch.low > 0 || welch.high < 0),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}
