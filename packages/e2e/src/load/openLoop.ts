/**
 * Open-loop load: task i is due at start + i / rate, whatever happened to the earlier ones, and its
 * latency runs from that scheduled instant (not from when the request actually went out) to the
 * completion event, so time spent queued behind a slow system counts (no coordinated omission).
 */

/** Due times (ms after the start) of `count` arrivals at `perSecond`. */
export function arrivalSchedule(perSecond: number, count: number): number[] {
  if (!(perSecond > 0)) throw new RangeError(`arrival rate must be positive, got ${perSecond}`);
  return Array.from({ length: count }, (_, i) => (i * 1000) / perSecond);
}

export type OpenLoopResult = {
  /** per task, ms from its scheduled arrival to its completion */
  latenciesMs: number[];
  /** how late the last request went out behind its schedule (ms): the generator's own lag */
  maxSendLagMs: number;
  durationMs: number;
};

/**
 * Runs `operation` for each arrival at its due time (never earlier; late ones start at once) and
 * resolves when all have finished. `operation` resolves when that unit of work is complete.
 */
export async function runOpenLoop(
  perSecond: number,
  count: number,
  operation: (i: number) => Promise<void>,
): Promise<OpenLoopResult> {
  const schedule = arrivalSchedule(perSecond, count);
  const latenciesMs = new Array<number>(count);
  const running: Promise<void>[] = [];
  let maxSendLagMs = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + (schedule[i] ?? 0);
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    running.push(
      operation(i).then(() => {
        latenciesMs[i] = performance.now() - due;
      }),
    );
  }
  await Promise.all(running);
  return { latenciesMs, maxSendLagMs, durationMs: performance.now() - started };
}
