/**
 * The one bounded wait of the tests: `check` is called until it answers (anything but undefined,
 * null or false), and that answer is returned; after `timeoutMs` it rejects naming `what`. A check
 * that throws is called again — a service or the database may be down for a while, which is what
 * the fault tests wait out — and its last error becomes the timeout's cause.
 */

export type EventuallyOptions = {
  /** how long to keep asking (default 20 s: a test's 30 s budget with room for its own asserts) */
  timeoutMs?: number;
  /** the pause between two checks (default 20 ms) */
  intervalMs?: number;
};

type Unanswered = undefined | null | false;

/** `options` as a number is the timeout in ms. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T> | T,
  options: EventuallyOptions | number = {},
): Promise<Exclude<T, Unanswered>> {
  const { timeoutMs = 20_000, intervalMs = 20 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const answer = await check();
      if (answer !== undefined && answer !== null && answer !== false)
        return answer as Exclude<T, Unanswered>;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
