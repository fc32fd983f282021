/**
 * The verdict of an A/B run (`pnpm bench:ab`): base and head ran interleaved, A B A B …, each round a
 * separate `vitest bench` of each side against the same database server, so machine drift over the
 * run hits both sides alike. Per bench:
 *
 *   ratio     median(head) / median(base) over the pooled samples of every round (below 1: faster)
 *   interval  percentile-bootstrap 95% interval of that ratio (src/stats/bootstrapMedianRatio)
 *   rounds    the same ratio within each round
 *
 * Verdict: `slower` when the interval lies above 1, the ratio is beyond the threshold (default 5% —
 * interleaving removes the drift a stored baseline suffers, so a smaller effect is trustworthy here
 * than the 15% of a baseline comparison) and every round points the same way; `faster` is the
 * mirror image; anything else `same`. The round check guards against the one thing pooling hides:
 * a single disturbed round moving the pooled median.
 */
import { bootstrapMedianRatio, type RatioInterval } from '../stats/bootstrapMedianRatio.ts';
import { median } from '../stats/median.ts';

export type AbVerdict = 'faster' | 'slower' | 'same';

/** One round of one side: bench key → raw samples, ms. */
export type RoundSamples = Record<string, readonly number[]>;

export interface AbRow {
  key: string;
  baseMedian: number;
  headMedian: number;
  interval: RatioInterval;
  /** head/base ratio of medians within each round that has both sides */
  roundRatios: number[];
  samples: { base: number; head: number };
  verdict: AbVerdict;
}

export interface AbResult {
  rows: AbRow[];
  /** benches measured on one side only (added or removed by the change) */
  onlyBase: string[];
  onlyHead: string[];
}

export const DEFAULT_AB_THRESHOLD = 0.05;

export function abVerdict(
  interval: RatioInterval,
  roundRatios: readonly number[],
  threshold: number,
): AbVerdict {
  const agree = (above: boolean) => roundRatios.every((r) => (above ? r > 1 : r < 1));
  if (interval.low > 1 && interval.ratio > 1 + threshold && agree(true)) return 'slower';
  if (interval.high < 1 && interval.ratio < 1 - threshold && agree(false)) return 'faster';
  return 'same';
}

export function compareAb(
  base: readonly RoundSamples[],
  head: readonly RoundSamples[],
  { threshold = DEFAULT_AB_THRESHOLD, seed = 1 }: { threshold?: number; seed?: number } = {},
): AbResult {
  const keys = (rounds: readonly RoundSamples[]) => new Set(rounds.flatMap((r) => Object.keys(r)));
  const baseKeys = keys(base);
  const headKeys = keys(head);
  const rows: AbRow[] = [];
  for (const key of [...headKeys].filter((k) => baseKeys.has(k)).sort()) {
    const pooledBase = base.flatMap((r) => r[key] ?? []);
    const pooledHead = head.flatMap((r) => r[key] ?? []);
    if (pooledBase.length === 0 || pooledHead.length === 0) continue;
    const roundRatios: number[] = [];
    for (let i = 0; i < Math.min(base.length, head.length); i++) {
      const b = base[i]?.[key];
      const h = head[i]?.[key];
      if (b?.length && h?.length) roundRatios.push(median(h) / median(b));
    }
    const interval = bootstrapMedianRatio(pooledBase, pooledHead, { seed });
    rows.push({
      key,
      baseMedian: median(pooledBase),
      headMedian: median(pooledHead),
      interval,
      roundRatios,
      samples: { base: pooledBase.length, head: pooledHead.length },
      verdict: abVerdict(interval, roundRatios, threshold),
    });
  }
  return {
    rows,
    onlyBase: [...baseKeys].filter((k) => !headKeys.has(k)).sort(),
    onlyHead: [...headKeys].filter((k) => !baseKeys.has(k)).sort(),
  };
}
