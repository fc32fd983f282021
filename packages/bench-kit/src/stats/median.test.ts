import { expect, test } from 'vitest';
import { median } from './median.ts';
import { percentile, sortAscending } from './percentile.ts';
import { seededRandom } from './seededRandom.ts';

test('median of odd, even and single sample sets', () => {
  expect(median([5, 1, 4, 2, 3])).toBe(3);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([7])).toBe(7);
  expect(median([2, 2, 2, 9])).toBe(2);
});

test('agrees with percentile(sorted, 0.5) and leaves its input alone', () => {
  const random = seededRandom(7);
  for (const n of [2, 3, 10, 101, 1_000]) {
    const samples = Array.from({ length: n }, () => Math.round(random() * 50));
    const copy = [...samples];
    expect(median(samples)).toBe(percentile(sortAscending(samples), 0.5));
    expect(samples).toEqual(copy);
  }
});

test('rejects no samples', () => {
  expect(() => median([])).toThrow(RangeError);
});
