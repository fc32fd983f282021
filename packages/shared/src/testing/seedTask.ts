/**
 * The one way tests seed a task to run: through tasker.create_task (09_task_creation.sql), the
 * engine's own creation — the template registered first (registerTemplate: idempotent, creates its
 * worker queue), then the task, its steps and edges in the states create_task gives them (the task
 * steps_in_process, its roots enqueued with their messages sent, the rest pending). Two test-only
 * additions, written in the same transaction so a running worker never sees the task without them:
 * per-task step inputs merged over the template's, and, on request, the roots' messages withheld
 * (the test sends them itself: duplicates, redelivery).
 *
 * Rows in states create_task never produces (a step in error with attempts spent, a task complete)
 * are insertTaskGraph's: a fixture written directly, for the SQL functions' own tests.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { assertQueueName, workerQueueName } from '../queue/queueNames.ts';
import { registerTemplate } from '../registry/registerTemplate.ts';
import type { WorkflowTemplate } from '../templates/workflowTemplate.ts';

export interface SeededTask {
  taskUuid: string;
  correlationId: string;
  namespace: string;
  /** the namespace's worker queue */
  queue: string;
  /** step name → workflow_step_uuid */
  steps: Map<string, string>;
}

export interface SeedTaskOptions {
  /** the task's context (default {}) */
  context?: Record<string, unknown>;
  /** per step name: inputs merged over the template's for this task */
  inputs?: Record<string, Record<string, unknown>>;
  /** send the root steps' messages (default true); false: the roots are enqueued, their messages withheld */
  sendMessages?: boolean;
}

type Created = {
  task: { task_uuid: string; correlation_id: string };
  steps: { step_uuid: string; name: string }[];
};

const CREATE_SQL = 'select tasker.create_task($1, $2, $3, $4::jsonb, $5) as r';

const INPUTS_SQL = `update tasker.workflow_steps s set inputs = s.inputs || i.inputs
  from jsonb_each($2::jsonb) i(name, inputs), tasker.named_steps ns
  where s.task_uuid = $1 and ns.named_step_uuid = s.named_step_uuid and ns.name = i.name`;

export async function seedTask(
  pool: pg.Pool,
  template: WorkflowTemplate,
  options: SeedTaskOptions = {},
): Promise<SeededTask> {
  await registerTemplate(pool, template);
  const queue = workerQueueName(template.namespace);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ r: Created }>(CREATE_SQL, [
      template.namespace,
      template.name,
      template.version,
      JSON.stringify(options.context ?? {}),
      randomUUID(),
    ]);
    const created = rows[0]?.r;
    if (!created) throw new Error('tasker.create_task returned no row');
    const taskUuid = created.task.task_uuid;
    if (options.inputs) await client.query(INPUTS_SQL, [taskUuid, JSON.stringify(options.inputs)]);
    if (options.sendMessages === false)
      await client.query(`delete from pgmq.q_${assertQueueName(queue)} where message->>'task_uuid' = $1`, [
        taskUuid,
      ]);
    await client.query('commit');
    return {
      taskUuid,
      correlationId: created.task.correlation_id,
      namespace: template.namespace,
      queue,
      steps: new Map(created.steps.map((step) => [step.name, step.step_uuid])),
    };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
