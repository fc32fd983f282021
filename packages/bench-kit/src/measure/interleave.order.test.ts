import { describe, expect, test } from 'vitest';
import { sampleInterleaved } from './interleave.ts';

describe('sampleInterleaved', () => {
  test('calls the sides in turn, rotating which goes first, hooks around each call', async () => {
    const calls: string[] = [];
    const samples = await sampleInterleaved(
      {
        a: () => {
          calls.push('a');
        },
        b: {
          beforeEach: () => {
            calls.push('b:before');
          },
          fn: async () => {
            calls.push('b');
          },
          afterEach: () => {
            calls.push('b:after');
          },
        },
        c: () => {
          calls.push('c');
        },
      },
      { rounds: 2, warmupRounds: 1 },
    );
    const b = ['b:before', 'b', 'b:after'];
    expect(calls).toEqual([
      ...['a', ...b, 'c'], // warm-up round 0
      ...[...b, 'c', 'a'], // round 1
      ...['c', 'a', ...b], // round 2
    ]);
    // warm-up calls are not sampled
    expect([...samples.keys()]).toEqual(['a', 'b', 'c']);
    for (const ms of samples.values()) {
      expect(ms).toHaveLength(2);
      for (const x of ms) expect(x).toBeGreaterThanOrEqual(0);
    }
  });

  test('times the call, not its hooks', async () => {
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const samples = await sampleInterleaved(
      { slow: { beforeEach: () => wait(30), fn: () => undefined }, quick: () => undefined },
      { rounds: 3 },
    );
    expect(Math.max(...(samples.get('slow') ?? []))).toBeLessThan(25);
  });

  test('a failing call stops the run and still runs its afterEach', async () => {
    let cleaned = 0;
    const run = sampleInterleaved(
      {
        a: () => undefined,
        b: {
          fn: () => {
            throw new Error('boom');
          },
          afterEach: () => {
            cleaned++;
          },
        },
      },
      { rounds: 5 },
    );
    await expect(run).rejects.toThrow('boom');
    expect(cleaned).toBe(1);
  });

  test('bad options are refused, naming the field', async () => {
    const two = { a: () => undefined, b: () => undefined };
    await expect(sampleInterleaved({ a: () => undefined }, { rounds: 1 })).rejects.toThrow(/cases/);
    await expect(sampleInterleaved(two, { rounds: 0 })).rejects.toThrow(/rounds must be a positive integer/);
    await expect(sampleInterleaved(two, { rounds: 1.5 })).rejects.toThrow(/rounds/);
    await expect(sampleInterleaved(two, { rounds: 1, warmupRounds: -1 })).rejects.toThrow(/warmupRounds/);
  });
});
