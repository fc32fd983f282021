/**
 * The result processor: consumes `orchestration_step_results`.
 *
 * States and the events that move it on:
 *   idle       created; start() → listening
 *   listening  woken by `pgmq_message_ready.orchestration` notifications (kick) and by the listener's
 *              interval poll; each wake drains the queue: read a batch (hidden for the visibility
 *              timeout, so another orchestrator skips it), process each message in its own
 *              transaction (tasker.process_step_result), repeat until the queue is empty
 *   fallback   the listener lost its connection → a read_with_poll loop keeps consuming (the wait
 *              happens inside PostgreSQL) until the listener is connected again → listening
 *   stopped    stop(): no new reads; resolves when the in-flight batch is done
 *
 * Several orchestrators may consume one queue: a message is read by one of them at a time, and a
 * duplicate (redelivered after the visibility timeout) loses the step's compare-and-swap ('stale').
 */
import {
  type AfterCommitNotifier,
  archiveMessages,
  type ListenerState,
  messageReadyChannel,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type QueueMessage,
  readMessages,
  readWithPoll,
  type StepResultMessage,
} from '@tasker/shared';
import type pg from 'pg';
import type { OrchestrationMetrics } from '../metrics/metrics.ts';
import { finishedState, type ProcessedResult, processStepResult } from './processStepResult.ts';

export type ResultProcessorOptions = {
  pool: pg.Pool;
  metrics: OrchestrationMetrics;
  /** messages read per batch (default 20) */
  batchSize?: number;
  /** seconds a read message stays hidden from other orchestrators (default 30) */
  visibilityTimeoutSeconds?: number;
  /** the read_with_poll wait of the fallback loop, seconds (default 1) */
  fallbackPollSeconds?: number;
  /** called after each processed result (tests, benches) */
  onProcessed?: (result: ProcessedResult) => void;
  onError?: (error: Error) => void;
  /**
   * Set when `pool`'s sessions send with tasker.notify = 'after_commit' (03_messaging.sql): the
   * workers' wake-up for the steps a result enqueued is sent through it after the commit.
   */
  notifier?: AfterCommitNotifier;
};

type ResultMessage = QueueMessage<Partial<StepResultMessage>>;

export class ResultProcessor {
  readonly #options: ResultProcessorOptions;
  readonly #queue = ORCHESTRATION_STEP_RESULTS_QUEUE;
  #stopped = false;
  #wanted = false;
  #draining: Promise<void> | undefined;
  #fallback: Promise<void> | undefined;
  #listenerState: ListenerState = 'idle';

  constructor(options: ResultProcessorOptions) {
    this.#options = options;
  }

  /** Drains the queue now (a notification arrived, or a poll tick). */
  kick(): void {
    if (this.#stopped) return;
    this.#wanted = true;
    if (!this.#draining) this.#draining = this.#drain().finally(() => (this.#draining = undefined));
  }

  /** Follows the listener: a lost connection starts the read_with_poll fallback until it is back. */
  onListenerState(state: ListenerState): void {
    this.#listenerState = state;
    if (state === 'reconnecting' && !this.#fallback && !this.#stopped)
      this.#fallback = this.#fallbackLoop().finally(() => (this.#fallback = undefined));
    if (state === 'connected') this.kick();
  }

  /** Stops reading; resolves when the in-flight work is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([this.#draining, this.#fallback]);
  }

  async #drain(): Promise<void> {
    const batchSize = this.#options.batchSize ?? 20;
    while (this.#wanted && !this.#stopped) {
      this.#wanted = false;
      try {
        for (;;) {
          const messages = await readMessages<Partial<StepResultMessage>>(this.#options.pool, this.#queue, {
            visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds ?? 30,
            qty: batchSize,
          });
          if (messages.length === 0) break;
          await this.#processAll(messages);
          if (this.#stopped || messages.length < batchSize) break;
        }
      } catch (error) {
        this.#report(error);
      }
    }
  }

  async #fallbackLoop(): Promise<void> {
    while (!this.#stopped && this.#listenerState === 'reconnecting') {
      try {
        const messages = await readWithPoll<Partial<StepResultMessage>>(this.#options.pool, this.#queue, {
          visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds ?? 30,
          qty: this.#options.batchSize ?? 20,
          maxPollSeconds: this.#options.fallbackPollSeconds ?? 1,
          pollIntervalMs: 50,
        });
        await this.#processAll(messages);
      } catch (error) {
        this.#report(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async #processAll(messages: readonly ResultMessage[]): Promise<void> {
    await Promise.all(messages.map((message) => this.#processOne(message)));
  }

  async #processOne(message: ResultMessage): Promise<void> {
    const { metrics, pool } = this.#options;
    const stepUuid = message.message?.step_uuid;
    const started = performance.now();
    try {
      if (typeof stepUuid !== 'string' || !UUID.test(stepUuid)) {
        // not a result message: archive it so it does not come back
        await archiveMessages(pool, this.#queue, [message.msg_id]);
        metrics.resultsProcessed.inc({ outcome: 'invalid' });
        return;
      }
      const notifier = this.#options.notifier;
      const result = await processStepResult(
        pool,
        stepUuid,
        { queue: this.#queue, msgId: message.msg_id, correlationId: message.message?.correlation_id },
        { withNamespace: notifier !== undefined },
      );
      if (notifier && result.enqueued > 0 && result.namespace)
        notifier.notify(messageReadyChannel(result.namespace));
      metrics.resultProcessSeconds.observe((performance.now() - started) / 1000);
      metrics.resultsProcessed.inc({ outcome: result.outcome });
      if (result.enqueued > 0) metrics.stepsEnqueued.inc({}, result.enqueued);
      const finished = finishedState(result);
      if (finished) metrics.tasksFinished.inc({ state: finished });
      this.#options.onProcessed?.(result);
    } catch (error) {
      // the message reappears after its visibility timeout and is processed again
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
