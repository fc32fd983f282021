import { expect, test } from 'vitest';
import { seededRandom } from './seededRandom.ts';

test('same seed, same sequence; values in [0, 1)', () => {
  const a = seededRandom(1);
  const b = seededRandom(1);
  const values = Array.from({ length: 1_000 }, () => a());
  expect(Array.from({ length: 1_000 }, () => b())).toEqual(values);
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...values)).toBeLessThan(1);
  expect(seededRandom(2)()).not.toBe(values[0]);
});

test('roughly uniform: the mean of 10,000 draws is near ½', () => {
  const random = seededRandom(9);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) sum += random();
  expect(sum / 10_000).toBeCloseTo(0.5, 1);
});
