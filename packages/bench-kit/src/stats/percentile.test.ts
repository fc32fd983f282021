import { describe, expect, test } from 'vitest';
import { minSamplesFor, percentile, reportedPercentile } from './percentile.ts';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentile (type 7: h = (n − 1)·p)', () => {
  test('interpolates between closest ranks', () => {
    // [1, 2, 3, 4]: p50 → h = 1.5 → 2 + 0.5·(3 − 2); p25 → h = 0.75 → 1 + 0.75·(2 − 1)
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.25)).toBe(1.75);
    // 1..20: p95 → h = 19·0.95 = 18.05 → 19 + 0.05·1
    expect(percentile(oneTo(20), 0.95)).toBeCloseTo(19.05, 10);
    // 1..100: p99 → h = 99·0.99 = 98.01 → 99 + 0.01·1
    expect(percentile(oneTo(100), 0.99)).toBeCloseTo(99.01, 10);
  });

  test('ends and a single sample', () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 1)).toBe(9);
    expect(percentile([5], 0.99)).toBe(5);
  });

  test('rejects no samples and ranks outside [0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });
});

describe('reportedPercentile', () => {
  test('minimum sample counts: p50 → 2, p95 → 20, p99 → 100', () => {
    expect([minSamplesFor(0.5), minSamplesFor(0.95), minSamplesFor(0.99)]).toEqual([2, 20, 100]);
  });

  test('p99 is withheld below 100 samples, with the reason', () => {
    expect(reportedPercentile(oneTo(99), 0.99)).toEqual({
      value: undefined,
      reason: 'p99 needs ≥ 100 samples (have 99)',
    });
    expect(reportedPercentile(oneTo(100), 0.99).value).toBeCloseTo(99.01, 10);
  });

  test('p95 is withheld below 20 samples', () => {
    expect(reportedPercentile(oneTo(19), 0.95).reason).toBe('p95 needs ≥ 20 samples (have 19)');
    expect(reportedPercentile(oneTo(20), 0.95).value).toBeCloseTo(19.05, 10);
  });
});
