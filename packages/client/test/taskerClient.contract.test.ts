/**
 * The client against a real orchestrator (in-process, port 0): every call, typed errors with status
 * and body, waitForCompletion woken by the completion event, and bounded connection retries.
 */
import { type TestDatabaseHandle, useTestDatabase } from '@tasker/bench-kit';
import { type Orchestration, startOrchestration } from '@tasker/orchestration';
import { mathematicalSequence, registerTemplate, type WorkflowTemplate } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  TaskerClient,
  TaskerConnectionError,
  TaskerHttpError,
  TaskFailedError,
  TaskWaitTimeoutError,
} from '../src/index.ts';

const db = useTestDatabase();
let orchestration: Orchestration;
let client: TaskerClient;

const oneStep: WorkflowTemplate = {
  namespace: 'client_tests',
  name: 'one_step',
  version: '1.0.0',
  steps: [{ name: 'only', handler: 'noop', dependencies: [], retry: { retryable: false, max_attempts: 1 } }],
};

/** A worker in SQL: claims every visible message of the namespace and reports ok or failure. */
async function work(pool: TestDatabaseHandle['pool'], namespace: string, ok: boolean): Promise<number> {
  const queue = `worker_${namespace}_queue`;
  const { rows } = await pool.query<{ msg_id: string; message: { step_uuid: string; task_uuid: string } }>(
    'select msg_id, message from pgmq.read($1, 30, 100)',
    [queue],
  );
  const status = ok ? 'enqueued_for_orchestration' : 'enqueued_as_error_for_orchestration';
  for (const row of rows) {
    await pool.query(
      `select tasker.transition_step_state_atomic($1, 'enqueued', 'in_progress'),
              tasker.transition_step_state_atomic($1, 'in_progress', $2),
              tasker.pgmq_send_with_notify('orchestration_step_results',
                jsonb_build_object('task_uuid', $3::uuid, 'step_uuid', $1::uuid, 'status', $2::text)),
              pgmq.archive($4, $5::bigint)`,
      [row.message.step_uuid, status, row.message.task_uuid, queue, row.msg_id],
    );
  }
  return rows.length;
}

beforeAll(async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
  });
  await registerTemplate(db.pool, oneStep);
  client = new TaskerClient(orchestration.url);
});
afterAll(async () => {
  await client?.close();
  await orchestration?.close();
});

describe('calls', () => {
  test('createTask, getTask, listTasks, listSteps, cancelTask, health', async () => {
    expect(await client.health()).toEqual({ status: 'ok' });
    const created = await client.createTask({
      namespace: mathematicalSequence.namespace,
      name: mathematicalSequence.name,
      context: { even_number: 4 },
      tags: ['client'],
    });
    expect(created.task.state).toBe('steps_in_process');
    expect(created.steps).toHaveLength(4);
    const uuid = created.task.task_uuid;
    const detail = await client.getTask(uuid);
    expect(detail.context).toEqual({ even_number: 4 });
    expect(detail.execution_context.total_steps).toBe(4);
    const page = await client.listTasks({ namespace: mathematicalSequence.namespace, perPage: 10 });
    expect(page.tasks.map((t) => t.task_uuid)).toContain(uuid);
    const steps = await client.listSteps(uuid);
    expect(steps.map((s) => s.state)).toEqual(['enqueued', 'pending', 'pending', 'pending']);
    expect(await client.cancelTask(uuid)).toEqual({
      task_uuid: uuid,
      state: 'cancelled',
      steps_cancelled: 4,
    });
  });

  test('createTasks creates a batch in order, all or nothing', async () => {
    const created = await client.createTasks(
      [2, 4].map((n) => ({
        namespace: mathematicalSequence.namespace,
        name: mathematicalSequence.name,
        context: { even_number: n, batch: 'client' },
      })),
    );
    expect(created.map((c) => c.task.state)).toEqual(['steps_in_process', 'steps_in_process']);
    expect((await client.getTask(created[1]?.task.task_uuid ?? '')).context).toEqual({
      even_number: 4,
      batch: 'client',
    });
    // the second repeats the first's identity: 409 with its index, and the first is not created either
    const repeated = { namespace: oneStep.namespace, name: oneStep.name, context: { batch: 'repeat' } };
    const refused = await client.createTasks([repeated, repeated]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409, apiCode: 'duplicate_task' });
    expect((refused as TaskerHttpError).body).toMatchObject({ error: { index: 1, repeats: 0 } });
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from tasker.tasks where context @> '{"batch": "repeat"}'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  test('errors carry the HTTP status, the body and the API code', async () => {
    const bad = await client.createTask({ namespace: 'Bad', name: 'x' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TaskerHttpError);
    expect(bad).toMatchObject({ status: 400, apiCode: 'validation_failed', code: 'TASKER_HTTP_ERROR' });
    expect((bad as TaskerHttpError).body).toMatchObject({ error: { field: 'namespace' } });

    const missing = await client.getTask('0192f1e2-0000-7000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, apiCode: 'task_not_found' });

    const request = { namespace: oneStep.namespace, name: oneStep.name, context: { dup: true } };
    const first = await client.createTask(request);
    const duplicate = await client.createTask(request).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ status: 409, apiCode: 'duplicate_task' });
    expect((duplicate as TaskerHttpError).body).toMatchObject({ error: { task_uuid: first.task.task_uuid } });
  });
});

describe('waitForCompletion', () => {
  test('resolves on the completion event, well under a polling quantum after the last result', async () => {
    const { task } = await client.createTask({
      namespace: oneStep.namespace,
      name: oneStep.name,
      context: { w: 1 },
    });
    const waiting = client.waitForCompletion(task.task_uuid, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const submitted = performance.now();
    expect(await work(db.pool, oneStep.namespace, true)).toBeGreaterThanOrEqual(1);
    const result = await waiting;
    expect(result).toMatchObject({ task_uuid: task.task_uuid, state: 'complete', completed: true });
    expect(performance.now() - submitted).toBeLessThan(500);
  });

  test('rejects with the failing step when the task errors', async () => {
    const { task } = await client.createTask({
      namespace: oneStep.namespace,
      name: oneStep.name,
      context: { w: 2 },
    });
    const waiting = client.waitForCompletion(task.task_uuid, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await work(db.pool, oneStep.namespace, false);
    const error = await waiting;
    expect(error).toBeInstanceOf(TaskFailedError);
    const [step] = await client.listSteps(task.task_uuid);
    // the whole failed step, through the wait route's compiled serializer
    expect(error).toMatchObject({
      state: 'error',
      failedStep: { step_uuid: step?.step_uuid, name: 'only', attempts: 1 },
    });
    expect(Object.keys((error as TaskFailedError).failedStep ?? {}).sort()).toEqual([
      'attempts',
      'name',
      'step_uuid',
    ]);
  });

  test('rejects on timeout with the last state', async () => {
    const { task } = await client.createTask({
      namespace: oneStep.namespace,
      name: oneStep.name,
      context: { w: 3 },
    });
    const started = performance.now();
    const error = await client.waitForCompletion(task.task_uuid, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskWaitTimeoutError);
    expect(error).toMatchObject({ lastState: 'steps_in_process', taskUuid: task.task_uuid });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});

test('connection errors are retried a bounded number of times, then TaskerConnectionError', async () => {
  const down = new TaskerClient('http://127.0.0.1:1', { retries: 2, retryDelayMs: 10 });
  try {
    const error = await down.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskerConnectionError);
    expect(error).toMatchObject({ attempts: 3 });
  } finally {
    await down.close();
  }
});
