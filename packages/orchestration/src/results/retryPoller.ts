/**
 * The retry poller: every interval, tasker.enqueue_due_tasks claims the tasks whose ready_at has
 * passed (a retry whose backoff ran out; get_next_ready_tasks, SKIP LOCKED, so several
 * orchestrators share the work) and enqueues their ready steps.
 */
import { queryRows } from '@tasker/shared';
import type pg from 'pg';
import type { OrchestrationMetrics } from '../metrics/metrics.ts';

export type RetryPollerOptions = {
  pool: pg.Pool;
  metrics: OrchestrationMetrics;
  /** default 500 ms */
  intervalMs?: number;
  /** tasks claimed per poll (default 50) */
  batchSize?: number;
  onError?: (error: Error) => void;
};

export class RetryPoller {
  readonly #options: RetryPollerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: RetryPollerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.pollOnce(), this.#options.intervalMs ?? 500);
    this.#timer.unref();
  }

  /** One poll; concurrent calls share the one in flight. Returns the steps enqueued. */
  pollOnce(): Promise<void> {
    this.#running ??= this.#poll().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #poll(): Promise<void> {
    try {
      const rows = await queryRows<{ tasks: number; enqueued: number }>(this.#options.pool, {
        name: 'tasker_enqueue_due_tasks',
        text: 'select tasks, enqueued from tasker.enqueue_due_tasks($1::integer)',
        values: [this.#options.batchSize ?? 50],
      });
      const enqueued = rows[0]?.enqueued ?? 0;
      if (enqueued > 0) this.#options.metrics.stepsEnqueued.inc({}, enqueued);
    } catch (error) {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
