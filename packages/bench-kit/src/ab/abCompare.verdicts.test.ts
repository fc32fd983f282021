import { expect, test } from 'vitest';
import type { Figure } from '../baseline/runFigures.ts';
import { median } from '../stats/median.ts';
import { compareAb, type RoundFigures } from './abCompare.ts';
import { formatAbTable } from './formatAb.ts';

// 51 samples evenly spread over 0.9 … 1.1 × center: median center
const around = (center: number) => Array.from({ length: 51 }, (_, i) => center * (0.9 + (0.2 * i) / 50));
const latency = (center: number): Figure => {
  const samplesMs = around(center);
  return { kind: 'latency', unit: 'ms', better: 'lower', value: median(samplesMs), samplesMs };
};
const rounds = (...centers: number[]): RoundFigures[] => centers.map((c) => ({ 'pgmq/send': latency(c) }));

test('identical sides: ratio 1, unchanged', () => {
  const [row] = compareAb(rounds(1, 1, 1), rounds(1, 1, 1)).rows;
  expect(row?.ratio).toBe(1);
  expect(row?.roundRatios).toEqual([1, 1, 1]);
  expect(row?.test).toBe('bootstrap-pooled-rounds');
  expect(row?.verdict).toBe('unchanged');
});

test('head latency 1.5x the base in every round: regressed, interval above 1', () => {
  const [row] = compareAb(rounds(1, 1, 1), rounds(1.5, 1.5, 1.5)).rows;
  expect(row?.ratio).toBeCloseTo(1.5, 10);
  expect(row?.interval?.low).toBeGreaterThan(1);
  expect(row?.base).toBeCloseTo(1, 10);
  expect(row?.head).toBeCloseTo(1.5, 10);
  expect(row?.samples).toEqual({ base: 153, head: 153 });
  expect(row?.verdict).toBe('regressed');
});

test('head latency at half the base: improved', () => {
  expect(compareAb(rounds(2, 2), rounds(1, 1)).rows[0]?.verdict).toBe('improved');
});

test('a round pointing the other way: inconclusive, not a verdict', () => {
  // pooled, head is clearly slower, but round 3 disagrees: one disturbed round is not a verdict
  const [row] = compareAb(rounds(1, 1, 1.3), rounds(1.5, 1.5, 1.2)).rows;
  expect(row?.roundRatios[2]).toBeLessThan(1);
  expect(row?.verdict).toBe('inconclusive');
});

test('an effect inside the threshold is unchanged, even when significant', () => {
  const [row] = compareAb(rounds(1, 1), rounds(1.03, 1.03)).rows;
  expect(row?.interval?.low).toBeGreaterThan(1);
  expect(row?.verdict).toBe('unchanged');
  expect(compareAb(rounds(1, 1), rounds(1.03, 1.03), { threshold: 0.02 }).rows[0]?.verdict).toBe('regressed');
});

/** Three rounds per side of figures with one value per round. */
function singleValues(figures: Record<string, [Omit<Figure, 'value'>, number[]]>): RoundFigures[] {
  return [0, 1, 2].map((i) =>
    Object.fromEntries(
      Object.entries(figures).map(([key, [f, values]]) => [key, { ...f, value: values[i] as number }]),
    ),
  );
}
const THROUGHPUT = { kind: 'throughput', unit: 'steps/s', better: 'higher' } as const;
const GROWTH = { kind: 'growth', unit: 'x', better: 'lower' } as const;
const BYTES = { kind: 'bytes', unit: 'bytes', better: 'lower' } as const;
const PEER = { kind: 'value', unit: 'x', better: 'lower' } as const;

test("throughput halved, memory and a peer ratio up: regressed, by Welch's t over the rounds", () => {
  const base = singleValues({
    'throughput/linear steps (2 workers)': [THROUGHPUT, [1510, 1480, 1530]],
    'memory/heap growth after GC': [GROWTH, [1.02, 1.04, 1.01]],
    'memory/peak rss': [BYTES, [100e6, 104e6, 98e6]],
    'peers/ratio tasker/graphile-worker: chain of 4 p50': [PEER, [1.2, 1.25, 1.18]],
    'scaling/growth 5K → 100K': [GROWTH, [1.1, 1.12, 1.09]],
  });
  const head = singleValues({
    'throughput/linear steps (2 workers)': [THROUGHPUT, [760, 740, 770]],
    'memory/heap growth after GC': [GROWTH, [1.5, 1.55, 1.48]],
    'memory/peak rss': [BYTES, [160e6, 158e6, 165e6]],
    'peers/ratio tasker/graphile-worker: chain of 4 p50': [PEER, [2.4, 2.3, 2.5]],
    'scaling/growth 5K → 100K': [GROWTH, [1.11, 1.08, 1.1]],
  });
  const result = compareAb(base, head);
  expect(Object.fromEntries(result.rows.map((r) => [r.key, [r.test, r.verdict]]))).toEqual({
    'throughput/linear steps (2 workers)': ['welch-t-rounds', 'regressed'],
    'memory/heap growth after GC': ['welch-t-rounds', 'regressed'],
    'memory/peak rss': ['welch-t-rounds', 'regressed'],
    'peers/ratio tasker/graphile-worker: chain of 4 p50': ['welch-t-rounds', 'regressed'],
    'scaling/growth 5K → 100K': ['welch-t-rounds', 'unchanged'],
  });
  const throughput = result.rows.find((r) => r.kind === 'throughput');
  expect(throughput?.ratio).toBeCloseTo(2270 / 4520, 10);
  expect(throughput?.interval?.high).toBeLessThan(1);
  expect(throughput?.rounds).toEqual({ base: [1510, 1480, 1530], head: [760, 740, 770] });
  // the other way round: improved
  expect(compareAb(head, base).rows.filter((r) => r.verdict === 'improved')).toHaveLength(4);
  const table = formatAbTable(result, { base: 'main', head: 'abc', rounds: 3 });
  expect(table).toMatch(
    /\| throughput\/linear steps \(2 workers\) \| throughput, higher is better \| 1,507 steps\/s \| 757 steps\/s \| 0\.502 \| [\d.]+–[\d.]+ \| 0\.50 0\.50 0\.50 \| welch-t-rounds \| 🔴 regressed \|/,
  );
  expect(table).toContain("- `welch-t-rounds`: one value per round: Welch's t 95% CI");
  // regressed rows come first
  expect(table.indexOf('🔴 regressed')).toBeLessThan(table.indexOf('⚪ unchanged'));
});

test('rounds that overlap: inconclusive; a single round per side: no test, inconclusive', () => {
  const noisy = compareAb(
    singleValues({ 't/x': [THROUGHPUT, [1000, 1400, 700]] }),
    singleValues({ 't/x': [THROUGHPUT, [800, 1100, 600]] }),
  );
  expect(noisy.rows[0]?.verdict).toBe('inconclusive');
  const one = compareAb(
    [{ 't/x': { ...THROUGHPUT, value: 1000 } }],
    [{ 't/x': { ...THROUGHPUT, value: 500 } }],
  );
  expect(one.rows[0]).toMatchObject({ interval: undefined, verdict: 'inconclusive' });
});

test('figures on one side only are listed, not compared; a unit change is not compared', () => {
  const t = (value: number, unit = 'x'): Figure => ({ kind: 'value', unit, better: null, value });
  const result = compareAb(
    [{ a: t(1), gone: t(1), moved: t(1) }],
    [{ a: t(1), added: t(2), moved: t(1, '%') }],
  );
  expect(result.rows.map((r) => r.key)).toEqual(['a']);
  expect(result.onlyBase).toEqual(['gone']);
  expect(result.onlyHead).toEqual(['added']);
  expect(result.incomparable).toEqual(['moved']);
});
