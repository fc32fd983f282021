/** The open-loop generator: due times, latency from the scheduled instant, never early. */
import { expect, test } from 'vitest';
import { arrivalSchedule, runOpenLoop } from '../src/index.ts';

test('arrivals are evenly spaced at the rate', () => {
  expect(arrivalSchedule(100, 4)).toEqual([0, 10, 20, 30]);
  expect(() => arrivalSchedule(0, 1)).toThrow(RangeError);
});

test('latency counts from the scheduled arrival, so a stalled system is not hidden', async () => {
  // the first operation blocks the "system" for 60 ms; later arrivals queue behind it
  let busyUntil = 0;
  const result = await runOpenLoop(100, 4, async () => {
    const start = Math.max(performance.now(), busyUntil);
    busyUntil = start + (busyUntil === 0 ? 60 : 1);
    await new Promise((resolve) => setTimeout(resolve, busyUntil - performance.now()));
  });
  expect(result.latenciesMs).toHaveLength(4);
  // arrival 3 was due at 30 ms, served after the 60 ms stall: at least ~30 ms of queueing counted
  expect(result.latenciesMs[3]).toBeGreaterThan(25);
  expect(result.durationMs).toBeGreaterThanOrEqual(55);
});
