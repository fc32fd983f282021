import { expect, test } from 'vitest';
import { abVerdict, compareAb, type RoundSamples } from './abCompare.ts';

// 50 samples evenly spread over 0.9 … 1.1 ms: median 1
const around = (center: number) => Array.from({ length: 51 }, (_, i) => center * (0.9 + (0.2 * i) / 50));
const rounds = (...centers: number[]): RoundSamples[] => centers.map((c) => ({ 'pgmq/send': around(c) }));

test('identical sides: ratio 1, same', () => {
  const [row] = compareAb(rounds(1, 1, 1), rounds(1, 1, 1)).rows;
  expect(row?.interval.ratio).toBe(1);
  expect(row?.roundRatios).toEqual([1, 1, 1]);
  expect(row?.verdict).toBe('same');
});

test('head 1.5x the base in every round: slower, ratio 1.5, interval above 1', () => {
  const [row] = compareAb(rounds(1, 1, 1), rounds(1.5, 1.5, 1.5)).rows;
  expect(row?.interval.ratio).toBeCloseTo(1.5, 10);
  expect(row?.interval.low).toBeGreaterThan(1);
  expect(row?.baseMedian).toBeCloseTo(1, 10);
  expect(row?.headMedian).toBeCloseTo(1.5, 10);
  expect(row?.samples).toEqual({ base: 153, head: 153 });
  expect(row?.verdict).toBe('slower');
});

test('head at half the base: faster', () => {
  expect(compareAb(rounds(2, 2), rounds(1, 1)).rows[0]?.verdict).toBe('faster');
});

test('a round pointing the other way keeps the verdict at same', () => {
  // pooled, head is clearly slower, but round 3 disagrees: one disturbed round is not a verdict
  const [row] = compareAb(rounds(1, 1, 1.3), rounds(1.5, 1.5, 1.2)).rows;
  expect(row?.roundRatios[2]).toBeLessThan(1);
  expect(row?.verdict).toBe('same');
});

test('an effect inside the threshold is the same, even when significant', () => {
  const interval = { ratio: 1.03, low: 1.01, high: 1.05, confidence: 0.95 };
  expect(abVerdict(interval, [1.03, 1.02], 0.05)).toBe('same');
  expect(abVerdict(interval, [1.03, 1.02], 0.02)).toBe('slower');
  expect(abVerdict({ ratio: 0.9, low: 0.85, high: 1.01, confidence: 0.95 }, [0.9], 0.05)).toBe('same');
});

test('benches on one side only are listed, not compared', () => {
  const result = compareAb([{ a: [1], gone: [1] }], [{ a: [1], added: [2] }]);
  expect(result.rows.map((r) => r.key)).toEqual(['a']);
  expect(result.onlyBase).toEqual(['gone']);
  expect(result.onlyHead).toEqual(['added']);
});
