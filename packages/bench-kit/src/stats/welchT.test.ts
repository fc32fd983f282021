import { expect, test } from 'vitest';
import { welchT } from './welchT.ts';

test('equal variances and sizes: df = 2(n − 1), interval from the t table', () => {
  // means 2 and 5, variances 1 and 1: se = √(1/3 + 1/3) = 0.8165, df = 4, t₀.₉₇₅(4) = 2.776
  const w = welchT([1, 2, 3], [4, 5, 6]);
  expect(w.difference).toBe(3);
  expect(w.df).toBeCloseTo(4, 10);
  expect(w.t).toBeCloseTo(3.6742, 4);
  expect(w.low).toBeCloseTo(3 - 2.776 * 0.816497, 4);
  expect(w.high).toBeCloseTo(3 + 2.776 * 0.816497, 4);
});

test('unequal variances: the Welch–Satterthwaite df', () => {
  // a: mean 2, var 1 (n 3); b: mean 20, var 100 (n 3): va = 1/3, vb = 100/3
  // df = (101/3)² / ((1/3)²/2 + (100/3)²/2) = 10201 / 5000.5 = 2.04; t₀.₉₇₅(2) = 4.303
  const w = welchT([1, 2, 3], [10, 20, 30]);
  expect(w.df).toBeCloseTo(10201 / 5000.5, 10);
  expect(w.low).toBeCloseTo(18 - 4.303 * Math.sqrt(101 / 3), 4);
});

test('overlapping rounds: the interval holds 0', () => {
  const w = welchT([100, 120, 90], [105, 95, 115]);
  expect(w.low).toBeLessThan(0);
  expect(w.high).toBeGreaterThan(0);
});

test('constant sides: a point interval; too few values: a RangeError', () => {
  expect(welchT([2, 2], [3, 3])).toMatchObject({ difference: 1, low: 1, high: 1 });
  expect(welchT([2, 2], [2, 2]).t).toBe(0);
  expect(() => welchT([1], [1, 2])).toThrow('at least 2 values on each side (got 1 and 2)');
});
