import { expect, test } from 'vitest';
import { summarizeSamples } from './summarizeSamples.ts';

test('hand-computed summary of 2, 4, 4, 4, 5, 5, 7, 9', () => {
  // mean 5; Σ(x − 5)² = 32; sd = √(32/7) = 2.138090; sem = sd/√8 = 0.755929
  // moe = sem · t(7) = 0.755929 · 2.365 = 1.787772; rme = 100 · moe / 5 = 35.7554 %
  // p50: h = 3.5 → (4 + 5)/2; quartiles 4 and 5.5, IQR 1.5 → 9 > 7.75 is a mild outlier
  const summary = summarizeSamples([9, 2, 4, 4, 4, 5, 5, 7]);
  expect(summary.samplesCount).toBe(8);
  expect(summary.mean).toBe(5);
  expect(summary.sd).toBeCloseTo(2.13809, 5);
  expect(summary.sem).toBeCloseTo(0.755929, 5);
  expect(summary.moe).toBeCloseTo(1.787772, 5);
  expect(summary.rme).toBeCloseTo(35.7554, 3);
  expect([summary.min, summary.max, summary.p50]).toEqual([2, 9, 4.5]);
  expect(summary.p95).toBeUndefined();
  expect(summary.p99).toBeUndefined();
  expect(summary.withheld).toEqual(['p95 needs ≥ 20 samples (have 8)', 'p99 needs ≥ 100 samples (have 8)']);
  expect(summary.outliers).toEqual({ mild: 1, severe: 0 });
});

test('100 samples report every percentile', () => {
  const summary = summarizeSamples(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(summary.p50).toBe(50.5);
  expect(summary.p95).toBeCloseTo(95.05, 10);
  expect(summary.p99).toBeCloseTo(99.01, 10);
  expect(summary.withheld).toEqual([]);
});

test('one sample: no spread, p50 withheld', () => {
  const summary = summarizeSamples([3]);
  expect([summary.mean, summary.sd, summary.moe]).toEqual([3, 0, 0]);
  expect(summary.withheld[0]).toBe('p50 needs ≥ 2 samples (have 1)');
});

test('no samples is an error', () => {
  expect(() => summarizeSamples([])).toThrow(RangeError);
});
