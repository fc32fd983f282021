import { describe, expect, test } from 'vitest';
import { median } from '../stats/median.ts';
import { seededRandom } from '../stats/seededRandom.ts';
import { compareFigure, compareToBaseline } from './compareToBaseline.ts';
import type { Figure } from './runFigures.ts';

/** n latency-like samples: a median of `center` ms with ±`spread` uniform noise, seeded. */
function samples(n: number, center: number, spread: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => center + spread * (2 * random() - 1));
}

describe('compareToBaseline verdicts (medians, noise threshold, significance)', () => {
  test('a clear 40% slowdown: regressed', () => {
    const c = compareToBaseline(samples(200, 1, 0.1, 1), samples(200, 1.4, 0.1, 2));
    expect(c.verdict).toBe('regressed');
    expect(c.change).toBeGreaterThan(0.3);
    expect(c.pValue).toBeLessThan(0.001);
    expect(c.interval.low).toBeGreaterThan(1.15);
  });

  test('two draws of the same distribution: unchanged', () => {
    const c = compareToBaseline(samples(200, 1, 0.3, 3), samples(200, 1, 0.3, 4));
    expect(c.verdict).toBe('unchanged');
    expect(Math.abs(c.change)).toBeLessThan(0.15);
  });

  test('a clear 40% speed-up: improved', () => {
    expect(compareToBaseline(samples(200, 1, 0.1, 5), samples(200, 0.6, 0.06, 6)).verdict).toBe('improved');
  });

  test('significant but within the noise threshold: unchanged', () => {
    // +8% on tight samples is significant, yet below the default 15%
    const c = compareToBaseline(samples(500, 1, 0.02, 7), samples(500, 1.08, 0.02, 8));
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe('unchanged');
    // the same change against a 5% threshold configured for the bench
    expect(
      compareToBaseline(samples(500, 1, 0.02, 7), samples(500, 1.08, 0.02, 8), { noise: 0.05 }).verdict,
    ).toBe('regressed');
  });

  test('beyond the threshold but not significant (5 noisy samples each): inconclusive', () => {
    const c = compareToBaseline([1, 3, 0.5, 2.5, 1.2], [1.9, 0.6, 2.8, 1.5, 3.1]);
    expect(c.change).toBeGreaterThan(0.15);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('inconclusive');
  });

  test('medians, not means: slow outliers alone do not regress a bench', () => {
    const baseline = samples(200, 1, 0.1, 9);
    const current = [...samples(190, 1, 0.1, 10), ...Array.from({ length: 10 }, () => 50)];
    const c = compareToBaseline(baseline, current);
    expect(Math.abs(c.change)).toBeLessThan(0.1);
    expect(c.verdict).toBe('unchanged');
  });
});

describe('compareFigure: one stored value, the relative change in the figure direction', () => {
  const throughput = (value: number): Figure => ({
    kind: 'throughput',
    unit: 'msgs/s',
    better: 'higher',
    value,
  });
  const growth = (value: number): Figure => ({ kind: 'growth', unit: 'x', better: 'lower', value });
  const bytes = (value: number): Figure => ({ kind: 'bytes', unit: 'bytes', better: 'lower', value });

  test('throughput halved: regressed, by the relative-change test', () => {
    const c = compareFigure(throughput(1_800), throughput(900));
    expect(c).toMatchObject({ change: -0.5, test: 'relative-change', threshold: 0.25, verdict: 'regressed' });
    expect(compareFigure(throughput(900), throughput(1_800)).verdict).toBe('improved');
  });

  test('memory (bytes) and heap growth up: regressed; down: improved', () => {
    expect(compareFigure(bytes(100_000_000), bytes(160_000_000)).verdict).toBe('regressed');
    expect(compareFigure(growth(1.02), growth(1.6)).verdict).toBe('regressed');
    expect(compareFigure(growth(1.6), growth(1.02)).verdict).toBe('improved');
  });

  test('within the threshold: unchanged; a registry noise replaces the default', () => {
    expect(compareFigure(throughput(1_000), throughput(850)).verdict).toBe('unchanged');
    expect(compareFigure(throughput(1_000), throughput(850), { noise: 0.1 }).verdict).toBe('regressed');
  });

  test('a figure without a better direction: changed, never better or worse', () => {
    const count = (value: number): Figure => ({ kind: 'value', unit: 'callers', better: null, value });
    expect(compareFigure(count(10), count(20)).verdict).toBe('changed');
    expect(compareFigure(count(10), count(10)).verdict).toBe('unchanged');
  });

  test('latency with samples on both sides: the sample tests decide', () => {
    const latency = (xs: number[]): Figure => ({
      kind: 'latency',
      unit: 'ms',
      better: 'lower',
      value: median(xs),
      samplesMs: xs,
    });
    const c = compareFigure(latency(samples(200, 1, 0.1, 1)), latency(samples(200, 1.4, 0.1, 2)));
    expect(c.test).toBe('mann-whitney+bootstrap');
    expect(c.pValue).toBeLessThan(0.001);
    expect(c.verdict).toBe('regressed');
    // a stored median without samples (a bench whose samples were not kept): relative change
    const single = compareFigure(
      { kind: 'latency', unit: 'ms', better: 'lower', value: 1 },
      latency([1.5, 1.6, 1.4]),
    );
    expect(single).toMatchObject({ test: 'relative-change', verdict: 'regressed' });
  });

  test('a zero baseline: an infinite change, not NaN', () => {
    expect(compareFigure(bytes(0), bytes(10))).toMatchObject({
      change: Number.POSITIVE_INFINITY,
      verdict: 'regressed',
    });
    expect(compareFigure(bytes(0), bytes(0)).verdict).toBe('unchanged');
  });
});
