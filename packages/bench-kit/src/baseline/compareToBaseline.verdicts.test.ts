import { describe, expect, test } from 'vitest';
import { seededRandom } from '../stats/seededRandom.ts';
import { compareToBaseline } from './compareToBaseline.ts';

/** n latency-like samples: a median of `center` ms with ±`spread` uniform noise, seeded. */
function samples(n: number, center: number, spread: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => center + spread * (2 * random() - 1));
}

describe('compareToBaseline verdicts (medians, noise threshold, significance)', () => {
  test('a clear 40% slowdown: Regressed', () => {
    const c = compareToBaseline(samples(200, 1, 0.1, 1), samples(200, 1.4, 0.1, 2));
    expect(c.verdict).toBe('Regressed');
    expect(c.change).toBeGreaterThan(0.3);
    expect(c.pValue).toBeLessThan(0.001);
    expect(c.interval.low).toBeGreaterThan(1.15);
  });

  test('two draws of the same distribution: Stable', () => {
    const c = compareToBaseline(samples(200, 1, 0.3, 3), samples(200, 1, 0.3, 4));
    expect(c.verdict).toBe('Stable');
    expect(Math.abs(c.change)).toBeLessThan(0.15);
  });

  test('a clear 40% speed-up: Improved', () => {
    expect(compareToBaseline(samples(200, 1, 0.1, 5), samples(200, 0.6, 0.06, 6)).verdict).toBe('Improved');
  });

  test('significant but within the noise threshold: Stable', () => {
    // +8% on tight samples is significant, yet below the default 15%
    const c = compareToBaseline(samples(500, 1, 0.02, 7), samples(500, 1.08, 0.02, 8));
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe('Stable');
    // the same change against a 5% threshold configured for the bench
    expect(
      compareToBaseline(samples(500, 1, 0.02, 7), samples(500, 1.08, 0.02, 8), { noise: 0.05 }).verdict,
    ).toBe('Regressed');
  });

  test('beyond the threshold but not significant (5 noisy samples each): Stable', () => {
    const c = compareToBaseline([1, 3, 0.5, 2.5, 1.2], [1.9, 0.6, 2.8, 1.5, 3.1]);
    expect(c.change).toBeGreaterThan(0.15);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('Stable');
  });

  test('medians, not means: slow outliers alone do not regress a bench', () => {
    const baseline = samples(200, 1, 0.1, 9);
    const current = [...samples(190, 1, 0.1, 10), ...Array.from({ length: 10 }, () => 50)];
    const c = compareToBaseline(baseline, current);
    expect(Math.abs(c.change)).toBeLessThan(0.1);
    expect(c.verdict).toBe('Stable');
  });
});
