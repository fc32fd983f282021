/** Exponential backoff with a cap and full-range jitter, for reconnect attempts. */

export type BackoffOptions = {
  /** delay before the first retry (default 100 ms) */
  initialDelayMs?: number;
  /** the most any delay can be (default 10 s) */
  maxDelayMs?: number;
  /** growth per attempt (default 2) */
  factor?: number;
  /** fraction of each delay drawn at random, 0 to 1 (default 0.2: delays vary by ±20%) */
  jitter?: number;
};

/**
 * Delay before retry number `attempt` (0-based): min(max, initial · factor^attempt), spread by
 * ±jitter, never above max. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const base = Math.min(max, initial * factor ** Math.max(attempt, 0));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.min(max, Math.round(base + spread)));
}
