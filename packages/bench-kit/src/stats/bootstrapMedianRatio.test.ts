import { expect, test } from 'vitest';
import { bootstrapMedianRatio } from './bootstrapMedianRatio.ts';
import { seededRandom } from './seededRandom.ts';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('deterministic: the same seed gives the same interval', () => {
  const baseline = oneTo(50);
  const current = baseline.map((x) => x * 1.1);
  const first = bootstrapMedianRatio(baseline, current, { seed: 42 });
  expect(bootstrapMedianRatio(baseline, current, { seed: 42 })).toEqual(first);
  expect(bootstrapMedianRatio(baseline, current, { seed: 43 })).not.toEqual(first);
});

test('point ratio is the ratio of the medians', () => {
  // medians 10.5 and 21
  expect(
    bootstrapMedianRatio(
      oneTo(20),
      oneTo(20).map((x) => 2 * x),
    ).ratio,
  ).toBe(2);
});

test('the same distribution: the interval contains 1', () => {
  const random = seededRandom(3);
  const baseline = Array.from({ length: 300 }, () => 1 + random());
  const current = Array.from({ length: 300 }, () => 1 + random());
  const { low, high } = bootstrapMedianRatio(baseline, current);
  expect(low).toBeLessThan(1);
  expect(high).toBeGreaterThan(1);
});

test('a 30% shift on tight samples: the interval excludes 1', () => {
  const random = seededRandom(5);
  const baseline = Array.from({ length: 300 }, () => 1 + 0.1 * random());
  const current = baseline.map((x) => 1.3 * x);
  const { low, high, confidence } = bootstrapMedianRatio(baseline, current, { iterations: 500 });
  expect(confidence).toBe(0.95);
  expect(low).toBeGreaterThan(1.2);
  expect(high).toBeLessThan(1.4);
});
