/**
 * The HTTP contract: every route, every error status, and the server still serving after each error.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import {
  BUILTIN_TEMPLATES,
  mathematicalSequence,
  registerTemplate,
  type WorkflowTemplate,
} from '@tasker/shared';
import { CreatedTask, Task, type WaitResult } from '@tasker/shared/api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Orchestration, startOrchestration } from '../src/index.ts';
import { claimSteps, http, submitStep } from './helpers.ts';

const db = useTestDatabase();
let orchestration: Orchestration;
let url: string;

const body = (extra: Record<string, unknown> = {}) => ({
  namespace: mathematicalSequence.namespace,
  name: mathematicalSequence.name,
  context: { even_number: 6, n: Math.random() },
  ...extra,
});

/** one step that fails for good at its first attempt */
const failsOnce: WorkflowTemplate = {
  namespace: 'api_contract',
  name: 'fails_once',
  version: '1.0.0',
  steps: [{ name: 'only', handler: 'noop', dependencies: [], retry: { retryable: false, max_attempts: 1 } }],
};

beforeAll(async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    bodyLimit: 64 * 1024,
    templates: BUILTIN_TEMPLATES,
  });
  url = orchestration.url;
  await registerTemplate(db.pool, failsOnce);
});
afterAll(async () => {
  await orchestration?.close();
});

async function stillServing(): Promise<void> {
  const health = await http(url, 'GET', '/health');
  expect(health.status).toBe(200);
}

describe('POST /v1/tasks', () => {
  test('201 with the task, its steps and execution context', async () => {
    const res = await http(
      url,
      'POST',
      '/v1/tasks',
      body({ tags: ['a', 'b'], priority: 5, initiator: 'test' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.task).toMatchObject({
      namespace: 'linear_workflow',
      name: 'mathematical_sequence',
      version: '1.0.0',
      state: 'steps_in_process',
      tags: ['a', 'b'],
      priority: 5,
      initiator: 'test',
    });
    expect(res.body.steps.map((s: { name: string }) => s.name)).toEqual([
      'linear_step_1',
      'linear_step_2',
      'linear_step_3',
      'linear_step_4',
    ]);
    expect(res.body.steps.map((s: { state: string }) => s.state)).toEqual([
      'enqueued',
      'pending',
      'pending',
      'pending',
    ]);
    expect(res.body.execution_context).toMatchObject({ total_steps: 4, enqueued_steps: 1 });
  });

  test('the correlation id given is kept', async () => {
    const correlation = '0192f1e2-0000-7000-8000-0000000000aa';
    const res = await http(url, 'POST', '/v1/tasks', body({ correlation_id: correlation }));
    expect(res.status).toBe(201);
    expect(res.body.task.correlation_id).toBe(correlation);
  });

  test.each([
    ['a missing name', { namespace: 'linear_workflow', context: {} }, 'name'],
    ['a context that is not an object', body({ context: 'text' }), 'context'],
    ['a tag that is not a string', body({ tags: ['ok', { x: 1 }] }), 'tags.1'],
    // Fastify's default Ajv coerced these to "1" and 1 and created the task
    ['a number as a tag', body({ tags: [1] }), 'tags.0'],
    ['a priority sent as a string', body({ priority: '1' }), 'priority'],
    ['a boolean as a priority', body({ priority: true }), 'priority'],
    ['an unknown field', body({ drop: 1 }), 'drop'],
    ['a bad version', body({ version: 'one' }), 'version'],
    ['a bad namespace', body({ namespace: 'Bad-NS' }), 'namespace'],
    ['a priority that is not an integer', body({ priority: 1.5 }), 'priority'],
    ['an unknown identity strategy', body({ identity_strategy: 'sometimes' }), 'identity_strategy'],
    ['caller_provided without a key', body({ identity_strategy: 'caller_provided' }), 'identity_key'],
  ])('400 for %s, naming the field', async (_what, payload, field) => {
    const res = await http(url, 'POST', '/v1/tasks', payload);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toContain(field);
    await stillServing();
  });

  test('the messages say what is wrong', async () => {
    const caller = await http(url, 'POST', '/v1/tasks', body({ identity_strategy: 'caller_provided' }));
    expect(caller.body.error.message).toBe(
      'body.identity_key is required when identity_strategy is "caller_provided"',
    );
    const unknown = await http(url, 'POST', '/v1/tasks', body({ drop: 1 }));
    expect(unknown.body.error.message).toBe('body.drop is not a known field');
    const strategy = await http(url, 'POST', '/v1/tasks', body({ identity_strategy: 'sometimes' }));
    expect(strategy.body.error.message).toBe(
      'body.identity_strategy must be one of strict, caller_provided, always_unique',
    );
  });

  test('the serialized 201 keeps every field: the same task and steps as the routes without a response schema', async () => {
    const res = await http(
      url,
      'POST',
      '/v1/tasks',
      body({ tags: ['kept'], reason: 'why', source_system: 's' }),
    );
    expect(res.status).toBe(201);
    const created = res.body as CreatedTask;
    // every property the schema declares is in the answer (it lists what the serializer writes)
    expect(Object.keys(created).sort()).toEqual(Object.keys(CreatedTask.properties).sort());
    expect(Object.keys(created.task).sort()).toEqual(Object.keys(Task.properties).sort());
    expect(created.execution_context).toEqual({
      total_steps: 4,
      enqueued_steps: 1,
      pending_steps: 3,
      completed_steps: 0,
      execution_status: 'processing',
    });
    // GET /v1/tasks/:uuid and /workflow_steps answer with JSON.stringify: nothing left out there
    const uuid = created.task.task_uuid;
    const { context, execution_context, ...detail } = (await http(url, 'GET', `/v1/tasks/${uuid}`)).body;
    expect(context).toEqual(body().context === undefined ? {} : expect.any(Object));
    expect(execution_context.total_steps).toBe(4);
    expect(Object.keys(created.task).sort()).toEqual(Object.keys(detail).sort());
    const instant = (t: string | null) => (t === null ? null : Math.floor(Date.parse(t)));
    for (const key of ['requested_at', 'created_at', 'completed_at'] as const) {
      // jsonb writes microseconds, pg's Date milliseconds: the same instant
      expect(instant(created.task[key])).toBe(instant(detail[key]));
      delete (detail as Record<string, unknown>)[key];
    }
    expect(created.task).toMatchObject(detail);
    const steps = (await http(url, 'GET', `/v1/tasks/${uuid}/workflow_steps`)).body.steps as Array<
      Record<string, unknown>
    >;
    expect(created.steps).toEqual(
      steps.map(({ step_uuid, name, handler, state, attempts, max_attempts }) => ({
        step_uuid,
        name,
        handler,
        state,
        attempts,
        max_attempts,
      })),
    );
  });

  test('400 for a body that is not JSON', async () => {
    const res = await http(url, 'POST', '/v1/tasks', '{"namespace": ');
    expect(res.status).toBe(400);
    await stillServing();
  });

  test('404 for an unknown template, and for an unknown version', async () => {
    const unknown = await http(url, 'POST', '/v1/tasks', body({ name: 'no_such_template' }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('template_not_found');
    const version = await http(url, 'POST', '/v1/tasks', body({ version: '9.9.9' }));
    expect(version.status).toBe(404);
    await stillServing();
  });

  test('409 for a duplicate identity under strict, with the existing task id', async () => {
    const payload = body({ context: { even_number: 8, key_order: 1 } });
    const first = await http(url, 'POST', '/v1/tasks', payload);
    expect(first.status).toBe(201);
    // the same context with its keys in another order is the same identity
    const again = await http(url, 'POST', '/v1/tasks', {
      ...payload,
      context: { key_order: 1, even_number: 8 },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'duplicate_task', task_uuid: first.body.task.task_uuid });
    const unique = await http(url, 'POST', '/v1/tasks', { ...payload, identity_strategy: 'always_unique' });
    expect(unique.status).toBe(201);
    await stillServing();
  });

  test('409 for a repeated caller_provided key', async () => {
    const payload = body({ identity_strategy: 'caller_provided', identity_key: 'order-42' });
    const first = await http(url, 'POST', '/v1/tasks', payload);
    expect(first.status).toBe(201);
    const again = await http(url, 'POST', '/v1/tasks', { ...payload, context: { other: true } });
    expect(again.status).toBe(409);
    expect(again.body.error.task_uuid).toBe(first.body.task.task_uuid);
  });

  test('413 for a body over the limit', async () => {
    const res = await http(url, 'POST', '/v1/tasks', body({ context: { blob: 'x'.repeat(100 * 1024) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    await stillServing();
  });
});

describe('GET /v1/tasks/:uuid', () => {
  test('200 with context and execution context', async () => {
    const created = await http(url, 'POST', '/v1/tasks', body());
    const res = await http(url, 'GET', `/v1/tasks/${created.body.task.task_uuid}`);
    expect(res.status).toBe(200);
    expect(res.body.context.even_number).toBe(6);
    expect(res.body.execution_context).toMatchObject({
      total_steps: 4,
      in_progress_steps: 1,
      pending_steps: 3,
    });
  });

  test('404 for an unknown task, 400 for a malformed uuid', async () => {
    const missing = await http(url, 'GET', '/v1/tasks/0192f1e2-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('task_not_found');
    const malformed = await http(url, 'GET', '/v1/tasks/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('uuid');
    await stillServing();
  });
});

describe('GET /v1/tasks', () => {
  test('pages and filters by namespace and state', async () => {
    const first = await http(url, 'GET', '/v1/tasks?per_page=2&page=1&namespace=linear_workflow');
    expect(first.status).toBe(200);
    expect(first.body.tasks).toHaveLength(2);
    expect(first.body.pagination).toEqual({ page: 1, per_page: 2, has_more: true });
    const second = await http(url, 'GET', '/v1/tasks?per_page=2&page=2&namespace=linear_workflow');
    expect(second.body.tasks[0].task_uuid).not.toBe(first.body.tasks[0].task_uuid);
    const none = await http(url, 'GET', '/v1/tasks?namespace=diamond_workflow');
    expect(none.body.tasks).toEqual([]);
    const byState = await http(url, 'GET', '/v1/tasks?state=steps_in_process&per_page=100');
    expect(byState.body.tasks.length).toBeGreaterThan(0);
    for (const task of byState.body.tasks) expect(task.state).toBe('steps_in_process');
  });

  test('querystring values are coerced from text, and absent ones take their defaults', async () => {
    const page = await http(url, 'GET', '/v1/tasks?per_page=3');
    expect(page.status).toBe(200);
    expect(page.body.pagination).toMatchObject({ page: 1, per_page: 3 });
    expect((await http(url, 'GET', '/v1/tasks')).body.pagination).toMatchObject({ page: 1, per_page: 25 });
  });

  test('400 for a bad filter or page size', async () => {
    expect((await http(url, 'GET', '/v1/tasks?state=sleeping')).status).toBe(400);
    const big = await http(url, 'GET', '/v1/tasks?per_page=1000');
    expect(big.status).toBe(400);
    expect(big.body.error.field).toBe('per_page');
    await stillServing();
  });
});

describe('GET /v1/tasks/:uuid/workflow_steps', () => {
  test('200 with each step and its readiness', async () => {
    const created = await http(url, 'POST', '/v1/tasks', body());
    const res = await http(url, 'GET', `/v1/tasks/${created.body.task.task_uuid}/workflow_steps`);
    expect(res.status).toBe(200);
    expect(res.body.steps).toHaveLength(4);
    expect(res.body.steps[0]).toMatchObject({ name: 'linear_step_1', state: 'enqueued', total_parents: 0 });
    expect(res.body.steps[1]).toMatchObject({
      name: 'linear_step_2',
      state: 'pending',
      dependencies_satisfied: false,
    });
  });

  test('404 for an unknown task', async () => {
    const res = await http(url, 'GET', '/v1/tasks/0192f1e2-0000-7000-8000-000000000000/workflow_steps');
    expect(res.status).toBe(404);
  });
});

describe('DELETE /v1/tasks/:uuid', () => {
  test('200 cancels; 409 the second time; 404 unknown', async () => {
    const created = await http(url, 'POST', '/v1/tasks', body());
    const uuid = created.body.task.task_uuid;
    const res = await http(url, 'DELETE', `/v1/tasks/${uuid}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ task_uuid: uuid, state: 'cancelled', steps_cancelled: 4 });
    const again = await http(url, 'DELETE', `/v1/tasks/${uuid}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'task_not_cancellable', state: 'cancelled' });
    expect((await http(url, 'DELETE', '/v1/tasks/0192f1e2-0000-7000-8000-000000000000')).status).toBe(404);
    await stillServing();
  });
});

describe('GET /v1/tasks/:uuid/wait', () => {
  test('times out with the last state; answers at once for a finished task', async () => {
    const created = await http(url, 'POST', '/v1/tasks', body());
    const uuid = created.body.task.task_uuid;
    const started = Date.now();
    const waited = await http(url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=150`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(waited.body).toMatchObject({ state: 'steps_in_process', completed: false, timed_out: true });
    await http(url, 'DELETE', `/v1/tasks/${uuid}`);
    const done = await http(url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=5000`);
    expect(done.body).toMatchObject({ state: 'cancelled', completed: true, timed_out: false });
  });

  test('wakes on the cancellation notification', async () => {
    const created = await http(url, 'POST', '/v1/tasks', body());
    const uuid = created.body.task.task_uuid;
    const waiting = http(url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=10000`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await http(url, 'DELETE', `/v1/tasks/${uuid}`);
    const waited = await waiting;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(waited.body).toMatchObject({ state: 'cancelled', completed: true });
  });

  test('the serialized answer for a failed task keeps the failed step whole', async () => {
    const created = await http(url, 'POST', '/v1/tasks', {
      namespace: failsOnce.namespace,
      name: failsOnce.name,
      context: { n: Math.random() },
    });
    const uuid = created.body.task.task_uuid;
    const waiting = http(url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=10000`);
    const [step] = await claimSteps(db.pool, failsOnce.namespace);
    if (!step) throw new Error('the failing step was not enqueued');
    await submitStep(db.pool, step, { ok: false });
    const expected: WaitResult = {
      task_uuid: uuid,
      state: 'error',
      completed: true,
      timed_out: false,
      failed_step: { step_uuid: step.stepUuid, name: 'only', attempts: 1 },
    };
    // woken by the notification, then asked again once finished (the answer built from the database)
    expect((await waiting).body).toEqual(expected);
    expect((await http(url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=10`)).body).toEqual(expected);
  });

  test('400 for a timeout over the maximum, 404 for an unknown task', async () => {
    expect(
      (await http(url, 'GET', '/v1/tasks/0192f1e2-0000-7000-8000-000000000000/wait?timeout_ms=10')).status,
    ).toBe(404);
    const res = await http(
      url,
      'GET',
      '/v1/tasks/0192f1e2-0000-7000-8000-000000000000/wait?timeout_ms=999999',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('timeout_ms');
  });
});

describe('health and metrics', () => {
  test('/health, /health/live, /health/ready', async () => {
    expect((await http(url, 'GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await http(url, 'GET', '/health/live')).status).toBe(200);
    const ready = await http(url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ listener: 'connected', database: 'ok' });
  });

  test('/metrics in the Prometheus text format', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('# TYPE tasker_tasks_created_total counter');
    expect(text).toMatch(/tasker_tasks_created_total\{namespace="linear_workflow"\} \d+/);
    expect(text).toMatch(/tasker_task_create_seconds_bucket\{le="\+Inf"\} \d+/);
    expect(text).toMatch(
      /tasker_http_request_seconds_count\{method="POST",route="\/v1\/tasks",status="201"\} \d+/,
    );
  });

  test('404 for an unknown route', async () => {
    const res = await http(url, 'GET', '/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });
});

describe('POST /v1/tasks/batch', () => {
  const countTasks = async () =>
    (await db.pool.query<{ n: number }>('select count(*)::int as n from tasker.tasks')).rows[0]?.n ?? -1;

  test('201 with every task as POST /v1/tasks answers it, in order, committed together', async () => {
    const before = await countTasks();
    const res = await http(url, 'POST', '/v1/tasks/batch', {
      tasks: [2, 4, 6].map((n) => body({ context: { even_number: n }, identity_strategy: 'always_unique' })),
    });
    expect(res.status).toBe(201);
    expect(res.body.tasks).toHaveLength(3);
    for (const created of res.body.tasks) {
      expect(Object.keys(created).sort()).toEqual(Object.keys(CreatedTask.properties).sort());
      expect(created.execution_context).toMatchObject({ total_steps: 4, enqueued_steps: 1 });
    }
    const uuids = res.body.tasks.map((t: { task: { task_uuid: string } }) => t.task.task_uuid);
    expect(new Set(uuids).size).toBe(3);
    expect(await countTasks()).toBe(before + 3);
    // each task's root message is in the queue (sent once for the whole batch)
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from pgmq.q_worker_${mathematicalSequence.namespace}_queue
       where message->>'task_uuid' = any($1::text[])`,
      [uuids],
    );
    expect(rows[0]?.n).toBe(3);
    await stillServing();
  });

  test('409 for a duplicate identity names its index, and nothing of the batch is created', async () => {
    const first = await http(url, 'POST', '/v1/tasks', body({ context: { even_number: 10, batch: 'dup' } }));
    expect(first.status).toBe(201);
    const before = await countTasks();
    const res = await http(url, 'POST', '/v1/tasks/batch', {
      tasks: [
        body({ context: { even_number: 12 }, identity_strategy: 'always_unique' }),
        body({ context: { even_number: 10, batch: 'dup' } }),
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'duplicate_task',
      task_uuid: first.body.task.task_uuid,
      index: 1,
    });
    expect(res.body.error.message).toContain('tasks/1');
    expect(await countTasks()).toBe(before);
    await stillServing();
  });

  test('400 naming the field of the task at fault; 400 for an empty batch; 404 for an unknown template', async () => {
    const bad = await http(url, 'POST', '/v1/tasks/batch', {
      tasks: [body(), body({ namespace: 'Not A Namespace' })],
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error.field)).toMatch(/^tasks[./]1[./]namespace$/);
    const empty = await http(url, 'POST', '/v1/tasks/batch', { tasks: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('tasks');
    const before = await countTasks();
    const unknown = await http(url, 'POST', '/v1/tasks/batch', {
      tasks: [body({ identity_strategy: 'always_unique' }), body({ name: 'no_such_template' })],
    });
    expect(unknown.status).toBe(404);
    expect(await countTasks()).toBe(before);
    await stillServing();
  });
});
