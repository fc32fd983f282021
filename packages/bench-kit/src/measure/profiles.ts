import { minSamplesFor } from '../stats/percentile.ts';

/**
 * The two bench profiles, set in this one place: `quick` (PR CI, minutes for the whole suite) and
 * `full` (thorough: p99-grade sample counts). Each sets time, iterations and warm-up per kind of
 * bench. Select with TASKER_BENCH_PROFILE (the `bench:quick` / `bench:full` scripts); default quick.
 */

export type ProfileName = 'quick' | 'full';
/** micro: µs-scale code; db: one SQL round trip or a few; network: HTTP; e2e: a whole workflow. */
export type BenchKind = 'micro' | 'db' | 'network' | 'e2e';

export interface BenchRunSettings {
  /** Minimum time to sample, ms. */
  time: number;
  /** Minimum number of samples (tinybench runs until both time and iterations are reached). */
  iterations: number;
  warmupTime: number;
  warmupIterations: number;
}

const PROFILES: Record<ProfileName, Record<BenchKind, BenchRunSettings>> = {
  quick: {
    micro: { time: 500, iterations: 1_000, warmupTime: 100, warmupIterations: 100 },
    // 0.5 s: a db bench reaches its 100 samples within it; the whole quick run stays near 5 min
    db: { time: 500, iterations: 100, warmupTime: 200, warmupIterations: 20 },
    network: { time: 1_000, iterations: 100, warmupTime: 200, warmupIterations: 10 },
    // the headline end-to-end latency reports its p99 on every PR run: a p99 needs 100 samples
    // (2 s alone gave the slower workflows 41-79)
    e2e: { time: 2_000, iterations: minSamplesFor(0.99), warmupTime: 300, warmupIterations: 3 },
  },
  full: {
    // micro benches sample for as long as in quick: every sample is retained (retainSamples) and
    // passed to the main process, and a sub-µs call yields ~20M samples a second — 3 s of them ran
    // the main process out of heap. Millions of samples already pin the median; full warms up longer.
    micro: { time: 500, iterations: 10_000, warmupTime: 500, warmupIterations: 1_000 },
    db: { time: 5_000, iterations: 1_000, warmupTime: 1_000, warmupIterations: 100 },
    network: { time: 5_000, iterations: 500, warmupTime: 1_000, warmupIterations: 50 },
    e2e: { time: 10_000, iterations: 200, warmupTime: 2_000, warmupIterations: 10 },
  },
};

export function activeProfile(env: NodeJS.ProcessEnv = process.env): ProfileName {
  const name = env.TASKER_BENCH_PROFILE?.trim() || 'quick';
  if (name !== 'quick' && name !== 'full') {
    throw new Error(`TASKER_BENCH_PROFILE=${name} is not a profile: use quick or full`);
  }
  return name;
}

/** Run options for one kind of bench in the active profile; pass to `.run()` or `bench.compare()`. */
export function benchSettings(kind: BenchKind, profile: ProfileName = activeProfile()): BenchRunSettings {
  return { ...PROFILES[profile][kind] };
}

/** Dataset sizes the seeding profiles name; TASKER_BENCH_TASKS picks one (default 5k) or any number. */
export const DATASET_SIZES = { '5k': 5_000, '10k': 10_000, '50k': 50_000, '100k': 100_000 } as const;

export function datasetSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TASKER_BENCH_TASKS?.trim().toLowerCase();
  if (!raw) return DATASET_SIZES['5k'];
  if (raw in DATASET_SIZES) return DATASET_SIZES[raw as keyof typeof DATASET_SIZES];
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`TASKER_BENCH_TASKS=${raw} is not a size: use 5k, 10k, 50k, 100k or a number`);
  return n;
}
