/**
 * Waiters for task completion, woken by the `task_completed` notification that tasker sends when a
 * task reaches complete, error or cancelled (09_task_creation.sql). One LISTEN serves every waiter of
 * the process, whichever orchestrator finalized the task.
 */

import { type FailedStep, TASK_STATES, type TaskState } from '@tasker/shared/api';

/** The payload of a `task_completed` notification. */
export type TaskFinished = {
  task_uuid: string;
  state: TaskState;
  correlation_id: string | null;
  failed_step: FailedStep | null;
};

const TASK_STATE_SET: ReadonlySet<unknown> = new Set(TASK_STATES);
const isTaskState = (value: unknown): value is TaskState => TASK_STATE_SET.has(value);

export const TASK_COMPLETED_CHANNEL = 'task_completed';

export type WaitOutcome =
  | { kind: 'finished'; event: TaskFinished }
  | { kind: 'timeout' }
  | { kind: 'closed' };

export class CompletionWaiters {
  readonly #waiters = new Map<string, Set<(outcome: WaitOutcome) => void>>();
  #closed = false;

  /** Parses a notification payload; null when it is not a task_completed payload. */
  static parse(payload: string): TaskFinished | null {
    try {
      const value = JSON.parse(payload) as Partial<TaskFinished>;
      const { task_uuid, state } = value;
      if (typeof task_uuid !== 'string' || !isTaskState(state)) return null;
      return {
        task_uuid,
        state,
        correlation_id: value.correlation_id ?? null,
        failed_step: value.failed_step ?? null,
      };
    } catch {
      return null;
    }
  }

  get size(): number {
    let n = 0;
    for (const set of this.#waiters.values()) n += set.size;
    return n;
  }

  /**
   * Registers a waiter before the caller checks the task's state, so a completion between the
   * check and the wait is not missed. `wait` resolves on the notification, after `timeoutMs`, or on
   * close(); `cancel` drops the waiter.
   */
  register(taskUuid: string, timeoutMs: number): { wait: Promise<WaitOutcome>; cancel: () => void } {
    if (this.#closed) return { wait: Promise.resolve({ kind: 'closed' }), cancel: () => undefined };
    let resolveFn: (outcome: WaitOutcome) => void = () => undefined;
    const wait = new Promise<WaitOutcome>((resolve) => {
      resolveFn = resolve;
    });
    const set = this.#waiters.get(taskUuid) ?? new Set();
    this.#waiters.set(taskUuid, set);
    const done = (outcome: WaitOutcome) => {
      clearTimeout(timer);
      set.delete(done);
      if (set.size === 0 && this.#waiters.get(taskUuid) === set) this.#waiters.delete(taskUuid);
      resolveFn(outcome);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    set.add(done);
    return { wait, cancel: () => done({ kind: 'timeout' }) };
  }

  /**
   * A `task_completed` payload as it arrived: parsed and its task's waiters woken, or ignored without
   * parsing while nobody waits (every task of the system finishes through here, most unwaited-for).
   */
  onNotification(payload: string): void {
    if (this.#waiters.size === 0) return;
    const finished = CompletionWaiters.parse(payload);
    if (finished) this.notify(finished);
  }

  /** Wakes the waiters of the task in `event`. */
  notify(event: TaskFinished): void {
    const set = this.#waiters.get(event.task_uuid);
    if (!set) return;
    for (const done of [...set]) done({ kind: 'finished', event });
  }

  /** Wakes every waiter with `closed` and refuses new ones (shutdown). */
  close(): void {
    this.#closed = true;
    for (const set of [...this.#waiters.values()]) for (const done of [...set]) done({ kind: 'closed' });
  }
}
