/**
 * Bootstrap confidence interval of the ratio of medians, current / baseline: resample each set with
 * replacement, take the ratio of the two medians, repeat, and read the interval off the percentiles
 * of those ratios (the percentile bootstrap). A 95% interval that excludes 1 means the medians differ
 * beyond what resampling noise explains. Seeded, so a report shows the same interval every time.
 */
import { median } from './median.ts';
import { percentile, sortAscending } from './percentile.ts';
import { seededRandom } from './seededRandom.ts';

export interface BootstrapOptions {
  /** resamples (default 1,000) */
  iterations?: number;
  /** confidence level (default 0.95) */
  confidence?: number;
  /** RNG seed (default 1) */
  seed?: number;
}

export interface RatioInterval {
  /** median(current) / median(baseline) on the samples themselves */
  ratio: number;
  low: number;
  high: number;
  confidence: number;
}

export function bootstrapMedianRatio(
  baseline: readonly number[],
  current: readonly number[],
  { iterations = 1_000, confidence = 0.95, seed = 1 }: BootstrapOptions = {},
): RatioInterval {
  if (baseline.length === 0 || current.length === 0)
    throw new RangeError('bootstrap needs samples on both sides');
  const random = seededRandom(seed);
  const baselineResample = new Float64Array(baseline.length);
  const currentResample = new Float64Array(current.length);
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    resample(baseline, baselineResample, random);
    resample(current, currentResample, random);
    ratios.push(median(currentResample) / median(baselineResample));
  }
  const sorted = sortAscending(ratios);
  const tail = (1 - confidence) / 2;
  return {
    ratio: median(current) / median(baseline),
    low: percentile(sorted, tail),
    high: percentile(sorted, 1 - tail),
    confidence,
  };
}

function resample(from: readonly number[], into: Float64Array, random: () => number): void {
  for (let i = 0; i < into.length; i++) into[i] = from[Math.floor(random() * from.length)] as number;
}
