import { expect, test } from 'vitest';
import { tCritical95 } from './studentT.ts';

test('table values, interpolation in 1/df and the normal limit', () => {
  expect(tCritical95(1)).toBe(12.706);
  expect(tCritical95(7)).toBe(2.365);
  expect(tCritical95(30)).toBe(2.042);
  // 48 lies between 40 (2.021) and 60 (2.000): position (1/40 − 1/48)/(1/40 − 1/60) = 0.5
  expect(tCritical95(48)).toBeCloseTo(2.0105, 10);
  expect(tCritical95(1e9)).toBeCloseTo(1.96, 6);
  expect(tCritical95(0)).toBeNaN();
});
