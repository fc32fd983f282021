/**
 * The harness's own cost: what the reporter spends on one bench's retained samples. Every bench in
 * every report goes through `summarizeSamples` (sort, mean, sd, margin of error, p50/p95/p99, Tukey
 * outliers), at the sample counts a micro bench retains (100K and more), after each bench file.
 * (Reading one percentile of the sorted copy is sub-microsecond: a bench of it would only retain
 * millions of samples, the heap problem profiles.ts describes, so the summary's values check it.)
 *
 * The samples are a seeded shuffle of 1…100,000, so the figures the work produced can be checked
 * against hand-computed values (type-7 percentiles: p50 = 50,000.5, p99 = 99,000.01).
 */
import { expect } from 'vitest';
import { benchSettings, summarizeSamples, benchTest as test } from '../src/index.ts';
import { seededRandom } from '../src/stats/seededRandom.ts';

const SAMPLE_COUNT = 100_000;
const SHUFFLE_SEED = 24;

/** 1…n in a seeded random order (Fisher–Yates): sorting has real work to do. */
function shuffledRange(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const values = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return values;
}

test(`summary of ${SAMPLE_COUNT.toLocaleString('en')} samples`, async ({ bench }) => {
  const samples = shuffledRange(SAMPLE_COUNT, SHUFFLE_SEED);
  const original = [...samples];
  let summary: ReturnType<typeof summarizeSamples> | undefined;
  // millisecond-scale work: sampled with the settings of a database round trip, not a micro bench's
  // 1,000-iteration minimum (which would take tens of seconds here)
  const summarize = await bench(`summarizeSamples, ${SAMPLE_COUNT.toLocaleString('en')} samples`, () => {
    summary = summarizeSamples(samples);
  }).run(benchSettings('db'));

  expect(summary).toMatchObject({ samplesCount: SAMPLE_COUNT, min: 1, max: SAMPLE_COUNT, mean: 50_000.5 });
  expect(summary?.p50).toBeCloseTo(50_000.5, 9);
  expect(summary?.p99).toBeCloseTo(99_000.01, 6);
  expect(summary?.outliers).toEqual({ mild: 0, severe: 0 });
  // every timed call summarized the same, unsorted input (the summary sorts a copy)
  expect(samples).toEqual(original);
  expect(summarize.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('db').iterations);
});
