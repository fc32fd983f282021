/**
 * What the worker tests do with a seeded task's steps (@tasker/shared/testing's seedTask creates it
 * through tasker.create_task): single-step templates, the step message orchestration sends and a
 * re-enqueue as orchestration does it (shared's transition and send wrappers), a step's row, the
 * result messages handed back, and a wait for a step to reach a state.
 */
import {
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type StepMessage,
  type StepState,
  type StepTemplate,
  sendWithNotify,
  transitionStepState,
  type WorkflowTemplate,
} from '@tasker/shared';
import { eventually, type SeededTask } from '@tasker/shared/testing';
import type pg from 'pg';

/** One step template with no dependencies, for single-step tests. */
export function singleStep(
  namespace: string,
  handler: string,
  retry = { retryable: true, max_attempts: 3 },
): WorkflowTemplate {
  return {
    namespace,
    name: `single_${handler}`,
    version: '1.0.0',
    steps: [{ name: 'only', handler, dependencies: [], retry } satisfies StepTemplate],
  };
}

/** The step message orchestration sends. */
export function stepMessage(task: SeededTask, stepUuid: string): StepMessage {
  return { task_uuid: task.taskUuid, step_uuid: stepUuid, correlation_id: task.correlationId };
}

/** from → enqueued (committed), then the message, as orchestration's enqueue does. Returns the msg_id. */
export async function enqueueStep(
  pool: pg.Pool,
  task: SeededTask,
  stepUuid: string,
  from: StepState,
): Promise<string> {
  if (!(await transitionStepState(pool, stepUuid, from, 'enqueued')))
    throw new Error(`step ${stepUuid} was not in ${from}`);
  return sendStepMessage(pool, task, stepUuid);
}

/** Only the message (for duplicates and redelivery scenarios). */
export function sendStepMessage(pool: pg.Pool, task: SeededTask, stepUuid: string): Promise<string> {
  return sendWithNotify(pool, task.queue, stepMessage(task, stepUuid));
}

export interface StepRow {
  current_state: string;
  attempts: number;
  retryable: boolean;
  results: unknown;
  backoff_request_seconds: number | null;
}

export async function stepRow(pool: pg.Pool, stepUuid: string): Promise<StepRow> {
  const { rows } = await pool.query<StepRow>(
    `select current_state, attempts, retryable, results, backoff_request_seconds
     from tasker.workflow_steps where workflow_step_uuid = $1`,
    [stepUuid],
  );
  const row = rows[0];
  if (!row) throw new Error(`no step ${stepUuid}`);
  return row;
}

/** Waits until the step is in `state`; its row then. */
export function stepInState(
  pool: pg.Pool,
  stepUuid: string,
  state: StepState,
  timeoutMs?: number,
): Promise<StepRow> {
  return eventually(
    `step ${stepUuid} in ${state}`,
    async () => {
      const row = await stepRow(pool, stepUuid);
      return row.current_state === state ? row : undefined;
    },
    timeoutMs,
  );
}

export type ResultMessage = { task_uuid: string; step_uuid: string; status: string; correlation_id: string };

/** Every message in orchestration_step_results (queued and archived) for a task, oldest first. */
export async function resultMessages(pool: pg.Pool, taskUuid: string): Promise<ResultMessage[]> {
  const { rows } = await pool.query<{ message: ResultMessage }>(
    `select message from (select msg_id, message from pgmq.q_${ORCHESTRATION_STEP_RESULTS_QUEUE}
                          union all select msg_id, message from pgmq.a_${ORCHESTRATION_STEP_RESULTS_QUEUE}) m
     where message->>'task_uuid' = $1 order by msg_id`,
    [taskUuid],
  );
  return rows.map((row) => row.message);
}
