/**
 * Tasks for worker tests and benches without the orchestration service: a template's task, steps
 * and edges inserted with plain SQL, and steps enqueued the way orchestration does it (pending →
 * enqueued committed first, then the message sent with notify).
 */
import { randomUUID } from 'node:crypto';
import {
  ensureQueue,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type StepMessage,
  type StepTemplate,
  sendWithNotify,
  type WorkflowTemplate,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';

export interface SeededTask {
  taskUuid: string;
  correlationId: string;
  namespace: string;
  queue: string;
  /** step name → workflow_step_uuid */
  steps: Map<string, string>;
}

export interface SeedOptions {
  context?: Record<string, unknown>;
  /** per step name: inputs stored on the step */
  inputs?: Record<string, Record<string, unknown>>;
  /** enqueue the root steps (default true) */
  enqueueRoots?: boolean;
}

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

export async function seedTask(
  pool: pg.Pool,
  template: WorkflowTemplate,
  options: SeedOptions = {},
): Promise<SeededTask> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const ns = await client.query<{ uuid: string }>(
      `insert into tasker.task_namespaces (name) values ($1)
       on conflict (name) do update set name = excluded.name returning task_namespace_uuid as uuid`,
      [template.namespace],
    );
    const named = await client.query<{ uuid: string }>(
      `insert into tasker.named_tasks (task_namespace_uuid, name, version) values ($1, $2, $3)
       on conflict (task_namespace_uuid, name, version) do update set name = excluded.name
       returning named_task_uuid as uuid`,
      [ns.rows[0]?.uuid, template.name, template.version],
    );
    const namedTask = named.rows[0]?.uuid;
    const task = await client.query<{ task_uuid: string; correlation_id: string }>(
      `insert into tasker.tasks (named_task_uuid, context, identity_hash) values ($1, $2::jsonb, $3)
       returning task_uuid, correlation_id`,
      [namedTask, JSON.stringify(options.context ?? {}), randomUUID()],
    );
    const steps = new Map<string, string>();
    for (const step of template.steps) {
      const namedStep = await client.query<{ uuid: string }>(
        `insert into tasker.named_steps (named_task_uuid, name, handler, retryable, max_attempts) values ($1, $2, $3, $4, $5)
         on conflict (named_task_uuid, name) do update set handler = excluded.handler returning named_step_uuid as uuid`,
        [namedTask, step.name, step.handler, step.retry.retryable, step.retry.max_attempts],
      );
      const inputs = { ...(step.inputs ?? {}), ...(options.inputs?.[step.name] ?? {}) };
      const row = await client.query<{ uuid: string }>(
        `insert into tasker.workflow_steps (task_uuid, named_step_uuid, inputs, retryable, max_attempts)
         values ($1, $2, $3::jsonb, $4, $5) returning workflow_step_uuid as uuid`,
        [
          task.rows[0]?.task_uuid,
          namedStep.rows[0]?.uuid,
          JSON.stringify(inputs),
          step.retry.retryable,
          step.retry.max_attempts,
        ],
      );
      steps.set(step.name, row.rows[0]?.uuid ?? '');
    }
    for (const step of template.steps) {
      for (const parent of step.dependencies) {
        await client.query(
          'insert into tasker.workflow_step_edges (from_step_uuid, to_step_uuid) values ($1, $2)',
          [steps.get(parent), steps.get(step.name)],
        );
      }
    }
    await client.query('commit');
    const seeded: SeededTask = {
      taskUuid: task.rows[0]?.task_uuid ?? '',
      correlationId: task.rows[0]?.correlation_id ?? '',
      namespace: template.namespace,
      queue: workerQueueName(template.namespace),
      steps,
    };
    await ensureQueue(pool, seeded.queue);
    await ensureQueue(pool, ORCHESTRATION_STEP_RESULTS_QUEUE);
    if (options.enqueueRoots ?? true) {
      for (const step of template.steps) {
        if (step.dependencies.length === 0) await enqueueStep(pool, seeded, steps.get(step.name) ?? '');
      }
    }
    return seeded;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The step message orchestration sends. */
export function stepMessage(task: SeededTask, stepUuid: string): StepMessage {
  return { task_uuid: task.taskUuid, step_uuid: stepUuid, correlation_id: task.correlationId };
}

/** from → enqueued (committed), then the message, as orchestration does. Returns the msg_id. */
export async function enqueueStep(
  pool: pg.Pool,
  task: SeededTask,
  stepUuid: string,
  from = 'pending',
): Promise<string> {
  await pool.query(`select tasker.transition_step_state_atomic($1, $2, 'enqueued')`, [stepUuid, from]);
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

export type ResultMessage = { task_uuid: string; step_uuid: string; status: string; correlation_id: string };

/** Every message in orchestration_step_results (queued and archived) for a task, oldest first. */
export async function resultMessages(pool: pg.Pool, taskUuid: string): Promise<ResultMessage[]> {
  const { rows } = await pool.query<{ message: ResultMessage }>(
    `select message from (select msg_id, message from pgmq.q_orchestration_step_results
                          union all select msg_id, message from pgmq.a_orchestration_step_results) m
     where message->>'task_uuid' = $1 order by msg_id`,
    [taskUuid],
  );
  return rows.map((row) => row.message);
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
