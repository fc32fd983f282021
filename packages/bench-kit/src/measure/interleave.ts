/**
 * Comparisons whose sides must see the same machine: `bench.compare` in Vitest 5.1 runs its benches
 * one after another (test/benchCompare.callOrder.test.ts records it), so load that comes and goes
 * on a shared runner favours whichever side ran in the quiet minute. `sampleInterleaved` calls the
 * sides in turn instead, one call each per round, and rotates which side goes first (A B, B A, A B
 * …) so none always runs straight after another's work. Each call is timed alone; its hooks run
 * around it, untimed.
 */

/** One side of a comparison: the timed call, or the call with untimed hooks around it. */
export type InterleavedCase =
  | (() => unknown)
  | { beforeEach?: () => unknown; fn: () => unknown; afterEach?: () => unknown };

export interface InterleavedOptions {
  /** Timed calls per side. */
  rounds: number;
  /** Untimed rounds first, in the same order (default 0). */
  warmupRounds?: number;
}

/** Latencies (ms) of every timed call, by side, in call order. */
export async function sampleInterleaved(
  cases: Readonly<Record<string, InterleavedCase>>,
  { rounds, warmupRounds = 0 }: InterleavedOptions,
): Promise<Map<string, number[]>> {
  const names = Object.keys(cases);
  if (names.length < 2)
    throw new RangeError(`sampleInterleaved: cases needs at least 2 sides to compare, got ${names.length}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`sampleInterleaved: rounds must be a positive integer, got ${rounds}`);
  if (!Number.isInteger(warmupRounds) || warmupRounds < 0)
    throw new RangeError(
      `sampleInterleaved: warmupRounds must be a non-negative integer, got ${warmupRounds}`,
    );
  const sides = names.map((name) => {
    const side = cases[name] as InterleavedCase;
    return { name, ...(typeof side === 'function' ? { fn: side } : side) };
  });
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < warmupRounds + rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(round + k) % sides.length] as (typeof sides)[number];
      await side.beforeEach?.();
      try {
        const started = performance.now();
        await side.fn();
        const ms = performance.now() - started;
        if (round >= warmupRounds) samples.get(side.name)?.push(ms);
      } finally {
        await side.afterEach?.();
      }
    }
  }
  return samples;
}
