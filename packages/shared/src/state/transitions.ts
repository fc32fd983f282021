/**
 * The task and step state machines: the one table of allowed transitions. The same table is seeded
 * into SQL (`tasker.allowed_task_transitions` / `allowed_step_transitions`, 02_state_machine.sql), which
 * is what enforces it; `transitions.sqlMatches.test.ts` asserts the two are identical.
 *
 * Task states, and the event that moves a task on:
 *   pending                   created by the API; an orchestrator claims it (get_next_ready_tasks) → initializing
 *   initializing              steps and edges exist → enqueuing_steps (no steps at all → complete)
 *   enqueuing_steps           ready steps sent to worker queues → steps_in_process
 *   steps_in_process          a step result arrives → evaluating_results
 *   evaluating_results        the execution context decides: ready steps → enqueuing_steps; steps still
 *                             running → waiting_for_dependencies; a retry backing off → waiting_for_retry;
 *                             a step failed for good → blocked_by_failures; all steps done → complete
 *   waiting_for_dependencies  the next result arrives → evaluating_results
 *   waiting_for_retry         the backoff runs out → evaluating_results
 *   blocked_by_failures       nothing can fix it → error; an operator resolves the step → evaluating_results,
 *                             or the task → resolved_manually
 *   error                     an operator resolves it → resolved_manually
 *   complete, cancelled, resolved_manually   terminal
 * Any unfinished state → cancelled (a cancel request); an orchestration failure → error. Which states
 * count as finished (error among them) is FINISHED_TASK_STATES, below.
 *
 * Step states:
 *   pending                    ready (parents done, retries left) → enqueued, by the enqueuer's CAS
 *   enqueued                   a worker claims the message → in_progress (attempts + 1)
 *   in_progress                the handler returns → enqueued_for_orchestration; it throws →
 *                              enqueued_as_error_for_orchestration
 *   enqueued_for_orchestration the result processor records it → complete
 *   enqueued_as_error_for_orchestration  retries left → waiting_for_retry; none → error
 *   waiting_for_retry          the backoff runs out → pending (or straight → enqueued); given up → error
 *   error                      an operator resolves it → resolved_manually
 *   complete, cancelled, resolved_manually   terminal
 * Any non-terminal state except error → cancelled.
 */

export const TASK_STATES = [
  'pending',
  'initializing',
  'enqueuing_steps',
  'steps_in_process',
  'evaluating_results',
  'waiting_for_dependencies',
  'waiting_for_retry',
  'blocked_by_failures',
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const STEP_STATES = [
  'pending',
  'enqueued',
  'in_progress',
  'enqueued_for_orchestration',
  'enqueued_as_error_for_orchestration',
  'waiting_for_retry',
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** For each task state, the states it may move to. */
export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['initializing', 'cancelled'],
  initializing: ['enqueuing_steps', 'complete', 'error', 'cancelled'],
  enqueuing_steps: ['steps_in_process', 'error', 'cancelled'],
  steps_in_process: ['evaluating_results', 'error', 'cancelled'],
  evaluating_results: [
    'enqueuing_steps',
    'waiting_for_dependencies',
    'waiting_for_retry',
    'blocked_by_failures',
    'complete',
    'error',
    'cancelled',
  ],
  waiting_for_dependencies: ['evaluating_results', 'error', 'cancelled'],
  waiting_for_retry: ['evaluating_results', 'error', 'cancelled'],
  blocked_by_failures: ['evaluating_results', 'error', 'resolved_manually', 'cancelled'],
  error: ['resolved_manually'],
  complete: [],
  cancelled: [],
  resolved_manually: [],
};

/** For each step state, the states it may move to. */
export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  pending: ['enqueued', 'cancelled'],
  enqueued: ['in_progress', 'cancelled'],
  in_progress: ['enqueued_for_orchestration', 'enqueued_as_error_for_orchestration', 'cancelled'],
  enqueued_for_orchestration: ['complete', 'cancelled'],
  enqueued_as_error_for_orchestration: ['waiting_for_retry', 'error', 'cancelled'],
  waiting_for_retry: ['pending', 'enqueued', 'error', 'cancelled'],
  error: ['resolved_manually'],
  complete: [],
  cancelled: [],
  resolved_manually: [],
};

export function isTaskTransitionAllowed(from: TaskState, to: TaskState): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export function isStepTransitionAllowed(from: StepState, to: StepState): boolean {
  return STEP_TRANSITIONS[from].includes(to);
}

/**
 * The task states in which a task is finished: the engine does no more work on it by itself. This is
 * the SQL's own definition, written there as `IN ('complete', 'error', 'cancelled', 'resolved_manually')`:
 * such a task has no ready_at (_task_ready_at, 04_step_readiness.sql), so no poller picks it up; its
 * steps' messages are not claimed but archived as `finished` (claim_step_messages / _claim_outcome,
 * 11_worker_claim_submit.sql); the evaluation cycle leaves it alone (_evaluate_task,
 * 10_result_processing.sql, evaluates resting states only); and a task reaching complete, error or
 * cancelled sends the completion notification (task_completed, _notify_task_finished in
 * 09_task_creation.sql) that waiters listen for. `transitions.finished.test.ts` checks the first two
 * against the SQL.
 *
 * `error` is finished, though not terminal in the table above: only an operator moves it on (→
 * resolved_manually). `blocked_by_failures` is not finished: the evaluation cycle passes through it
 * to error in the same transaction, and an operator may still resolve the failed step.
 */
export const FINISHED_TASK_STATES = [
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
] as const satisfies readonly TaskState[];
export type FinishedTaskState = (typeof FINISHED_TASK_STATES)[number];

const FINISHED: ReadonlySet<string> = new Set(FINISHED_TASK_STATES);

export function isFinishedTaskState(state: string): state is FinishedTaskState {
  return FINISHED.has(state);
}

/** Of the finished states, those in which the task's work is done: complete, or resolved by an operator. */
export function isSucceededTaskState(state: string): state is 'complete' | 'resolved_manually' {
  return state === 'complete' || state === 'resolved_manually';
}
