import { expect, test } from 'vitest';
import { classifyOutliers, tukeyFences } from './tukeyOutliers.ts';

test('fences from type-7 quartiles', () => {
  // 1..10, 20, 100 (n = 12): q1 → h = 2.75 → 3.75; q3 → h = 8.25 → 9.25; IQR 5.5
  const fences = tukeyFences([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 100]);
  expect(fences).toEqual({ q1: 3.75, q3: 9.25, iqr: 5.5, inner: [-4.5, 17.5], outer: [-12.75, 25.75] });
});

test('mild beyond 1.5·IQR, severe beyond 3·IQR; unsorted input', () => {
  // 20 lies in (17.5, 25.75]: mild; 100 > 25.75: severe
  expect(classifyOutliers([100, 1, 2, 3, 20, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({
    mild: 1,
    severe: 1,
    high: 2,
    low: 0,
  });
});

test('low outliers count too', () => {
  // −20, 1..10: q1 → h = 2.5 → 2.5, q3 → h = 7.5 → 7.5, IQR 5; −20 < 2.5 − 15 = −12.5: severe
  expect(classifyOutliers([-20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({
    mild: 0,
    severe: 1,
    low: 1,
  });
});

test('no outliers in a tight set; identical samples have none', () => {
  expect(classifyOutliers([1, 2, 3, 4, 5])).toMatchObject({ mild: 0, severe: 0 });
  expect(classifyOutliers([4, 4, 4, 4])).toMatchObject({ mild: 0, severe: 0 });
});
