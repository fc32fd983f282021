import { describe, expect, test } from 'vitest';
import { minSamplesFor } from '../stats/percentile.ts';
import { activeProfile, benchSettings } from './profiles.ts';

describe('bench profiles', () => {
  test('quick is the default and full is chosen by TASKER_BENCH_PROFILE', () => {
    expect(activeProfile({})).toBe('quick');
    expect(activeProfile({ TASKER_BENCH_PROFILE: 'full' })).toBe('full');
  });
  test('an unknown profile is refused with the allowed names', () => {
    expect(() => activeProfile({ TASKER_BENCH_PROFILE: 'fast' })).toThrow(/use quick or full/);
  });
  test('full takes at least as many samples and as much time as quick for every kind', () => {
    for (const kind of ['micro', 'db', 'network', 'e2e'] as const) {
      const quick = benchSettings(kind, 'quick');
      const full = benchSettings(kind, 'full');
      expect(full.iterations).toBeGreaterThanOrEqual(quick.iterations);
      expect(full.time).toBeGreaterThanOrEqual(quick.time);
    }
  });
  test('both profiles give end-to-end benches enough samples for a p99', () => {
    for (const profile of ['quick', 'full'] as const)
      expect(benchSettings('e2e', profile).iterations).toBeGreaterThanOrEqual(minSamplesFor(0.99));
  });
});
