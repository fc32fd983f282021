import { describe, expect, test } from 'vitest';
import { performanceRatio, ratioVerdict, targetBound } from './target.ts';

describe('performanceRatio: above 1 is better than the target, in both directions', () => {
  test('a ceiling (≤): threshold / measured', () => {
    // the seed format's example: 17.7 ms against a 50 ms target; 50 / 17.7 = 2.8249
    expect(performanceRatio('mean', 17.7, 50)).toBeCloseTo(2.8249, 4);
    // 65 ms against ≤ 50 ms: 50 / 65 = 0.7692
    expect(performanceRatio('p50', 65, 50)).toBeCloseTo(0.7692, 4);
    // a growth ratio 1.2 against ≤ 1.5: 1.5 / 1.2 = 1.25
    expect(performanceRatio('value-max', 1.2, 1.5)).toBeCloseTo(1.25, 10);
  });

  test('a floor (≥): measured / threshold', () => {
    expect(performanceRatio('throughput-min', 1_200, 1_000)).toBeCloseTo(1.2, 10);
    expect(performanceRatio('throughput-min', 750, 1_000)).toBeCloseTo(0.75, 10);
  });

  test('no finite ratio: a measured 0 against a ceiling', () => {
    expect(performanceRatio('mean', 0, 1)).toBeUndefined();
  });

  test('the bound of each metric', () => {
    expect(targetBound('throughput-min')).toBe('≥');
    for (const metric of ['mean', 'p50', 'p95', 'p99', 'value-max'] as const)
      expect(targetBound(metric)).toBe('≤');
  });
});

describe('ratioVerdict', () => {
  test('better: the ratio, one decimal', () => {
    expect(ratioVerdict(50 / 17.7)).toBe('2.8x better than target');
    expect(ratioVerdict(1)).toBe('1.0x better than target');
  });

  test('worse: the inverse, so the factor reads ≥ 1', () => {
    // 750/s against ≥ 1,000/s: ratio 0.75, 1 / 0.75 = 1.33
    expect(ratioVerdict(0.75)).toBe('1.3x worse than target');
    // 65 ms against ≤ 50 ms: ratio 0.769, 1 / 0.769 = 1.3
    expect(ratioVerdict(50 / 65)).toBe('1.3x worse than target');
  });

  test('two decimals where one would round a near miss or a near pass to 1.0x', () => {
    // 50.5 ms against ≤ 50 ms: 1 / (50 / 50.5) = 1.01
    expect(ratioVerdict(50 / 50.5)).toBe('1.01x worse than target');
    expect(ratioVerdict(50 / 49.5)).toBe('1.01x better than target');
  });
});
