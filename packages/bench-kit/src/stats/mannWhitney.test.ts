import { expect, test } from 'vitest';
import { mannWhitneyU } from './mannWhitney.ts';

test('complete separation of 3 and 3', () => {
  // U = 0, mean 4.5, σ² = 9/12 · 7 = 5.25, z = (0 − 4.5 + 0.5)/√5.25 = −1.745743
  // p = 2·(1 − Φ(1.745743)) = 0.080856 (SciPy mannwhitneyu, method='asymptotic': 0.0808556)
  const result = mannWhitneyU([1, 2, 3], [4, 5, 6]);
  expect(result.u).toBe(0);
  expect(result.z).toBeCloseTo(-1.745743, 5);
  expect(result.pValue).toBeCloseTo(0.080856, 5);
});

test('ties take average ranks and shrink the variance', () => {
  // pooled 1,2,2,2,3,4 → ranks 1,3,3,3,5,6; R1 = 1 + 3 + 3 = 7; U = 7 − 6 = 1
  // σ² = 9/12 · (7 − (3³ − 3)/(6·5)) = 0.75 · 6.2 = 4.65; z = (1 − 4.5 + 0.5)/√4.65 = −1.391217
  const result = mannWhitneyU([1, 2, 2], [2, 3, 4]);
  expect(result.u).toBe(1);
  expect(result.z).toBeCloseTo(-1.391217, 5);
  expect(result.pValue).toBeCloseTo(0.16416, 4);
});

test('symmetric: swapping the sets mirrors U and keeps p', () => {
  const a = [3, 5, 8, 9, 12];
  const b = [1, 2, 4, 6, 7, 10];
  const forward = mannWhitneyU(a, b);
  const backward = mannWhitneyU(b, a);
  expect(forward.u + backward.u).toBe(a.length * b.length);
  expect(forward.pValue).toBeCloseTo(backward.pValue, 12);
});

test('identical sets: p = 1; all values equal: p = 1', () => {
  expect(mannWhitneyU([1, 2, 3, 4], [1, 2, 3, 4]).pValue).toBe(1);
  expect(mannWhitneyU([5, 5], [5, 5, 5]).pValue).toBe(1);
});

test('a clear shift over 200 samples is significant', () => {
  const a = Array.from({ length: 100 }, (_, i) => 1 + (i % 10) / 10);
  const b = a.map((x) => x + 0.5);
  expect(mannWhitneyU(a, b).pValue).toBeLessThan(1e-6);
});
