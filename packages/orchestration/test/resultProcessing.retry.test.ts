/**
 * The error path: a failed attempt waits for its backoff and is re-enqueued by the retry poller;
 * attempts used up (or a non-retryable step) → step error → task blocked_by_failures → error, and
 * waiters learn the failing step.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { registerTemplate, type WorkflowTemplate } from '@tasker/shared';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Orchestration, startOrchestration } from '../src/index.ts';
import { claimSteps, eventually, http, runSimulatedWorker, submitStep, taskState } from './helpers.ts';

const db = useTestDatabase();
let orchestration: Orchestration;

const flaky = (name: string, retry: WorkflowTemplate['steps'][number]['retry']): WorkflowTemplate => ({
  namespace: 'retry_tests',
  name,
  version: '1.0.0',
  steps: [
    { name: 'flaky', handler: 'fail', dependencies: [], retry },
    { name: 'after', handler: 'noop', dependencies: ['flaky'], retry: { retryable: true, max_attempts: 1 } },
  ],
});

beforeAll(async () => {
  orchestration = await startOrchestration({ databaseUrl: db.connectionString, retryPollIntervalMs: 50 });
  await registerTemplate(db.pool, flaky('retry_then_pass', { retryable: true, max_attempts: 3 }));
  await registerTemplate(db.pool, flaky('always_fails', { retryable: true, max_attempts: 2 }));
  await registerTemplate(db.pool, flaky('not_retryable', { retryable: false, max_attempts: 3 }));
});
afterAll(async () => {
  await orchestration?.close();
});

async function create(name: string): Promise<string> {
  const res = await http(orchestration.url, 'POST', '/v1/tasks', {
    namespace: 'retry_tests',
    name,
    context: {},
  });
  expect(res.status).toBe(201);
  return res.body.task.task_uuid;
}

async function stepRow(taskUuid: string, name: string) {
  const { rows } = await db.pool.query<{
    state: string;
    attempts: number;
    due: boolean;
    task_ready_at_set: boolean;
  }>(
    `select s.current_state as state, s.attempts,
       tasker._next_retry_at(s.attempts, s.backoff_request_seconds, s.last_attempted_at, s.last_failure_at) > now() as due,
       t.ready_at is not null as task_ready_at_set
     from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid)
     join tasker.tasks t on t.task_uuid = s.task_uuid
     where s.task_uuid = $1 and ns.name = $2`,
    [taskUuid, name],
  );
  return rows[0];
}

test('a failure with a 1 s backoff waits, then the poller re-enqueues it and the task completes', async () => {
  const uuid = await create('retry_then_pass');
  const [first] = await claimSteps(db.pool, 'retry_tests');
  if (!first) throw new Error('flaky not enqueued');
  const failedAt = Date.now();
  await submitStep(db.pool, first, { ok: false, backoffSeconds: 1 });
  await eventually(
    'the failure processed',
    async () => (await taskState(db.pool, uuid)) === 'waiting_for_retry',
  );
  // backing off: not ready before next_retry_at, and the task is marked to be looked at then
  expect(await stepRow(uuid, 'flaky')).toMatchObject({
    state: 'waiting_for_retry',
    attempts: 1,
    due: true,
    task_ready_at_set: true,
  });
  expect(await claimSteps(db.pool, 'retry_tests')).toEqual([]);

  await eventually(
    'the retry re-enqueued',
    async () => (await stepRow(uuid, 'flaky'))?.state === 'enqueued',
    5_000,
  );
  expect(Date.now() - failedAt).toBeGreaterThanOrEqual(900);
  const executed = await runSimulatedWorker(
    db.pool,
    'retry_tests',
    async () => (await taskState(db.pool, uuid)) === 'complete',
  );
  expect(executed).toBe(2);
  expect(await stepRow(uuid, 'flaky')).toMatchObject({ state: 'complete', attempts: 2 });
  const { rows } = await db.pool.query<{ path: string }>(
    `select string_agg(st.to_state, ' > ' order by st.sort_key) as path
     from tasker.workflow_step_transitions st join tasker.workflow_steps s using (workflow_step_uuid)
     join tasker.named_steps ns using (named_step_uuid) where s.task_uuid = $1 and ns.name = 'flaky'`,
    [uuid],
  );
  expect(rows[0]?.path).toBe(
    // a root step is created enqueued (create_task, migration 000019)
    'enqueued > in_progress > enqueued_as_error_for_orchestration > waiting_for_retry > enqueued > in_progress > enqueued_for_orchestration > complete',
  );
});

test('attempts used up: step error, task blocked_by_failures → error, the waiter gets the failing step', async () => {
  const uuid = await create('always_fails');
  const waiting = http(orchestration.url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=10000`);
  await runSimulatedWorker(
    db.pool,
    'retry_tests',
    async () => (await taskState(db.pool, uuid)) === 'error',
    () => ({ ok: false, backoffSeconds: 0 }),
  );
  const waited = await waiting;
  expect(waited.body).toMatchObject({
    state: 'error',
    completed: true,
    failed_step: { name: 'flaky', attempts: 2 },
  });
  expect(await stepRow(uuid, 'after')).toMatchObject({ state: 'pending' });
  const { rows } = await db.pool.query<{ path: string }>(
    "select string_agg(to_state, ' > ' order by sort_key) as path from tasker.task_transitions where task_uuid = $1",
    [uuid],
  );
  expect(rows[0]?.path).toMatch(/evaluating_results > blocked_by_failures > error$/);
});

test('a non-retryable step errors on its first failure', async () => {
  const uuid = await create('not_retryable');
  const [step] = await claimSteps(db.pool, 'retry_tests');
  if (!step) throw new Error('flaky not enqueued');
  await submitStep(db.pool, step, { ok: false });
  await eventually('the task errors', async () => (await taskState(db.pool, uuid)) === 'error');
  expect(await stepRow(uuid, 'flaky')).toMatchObject({ state: 'error', attempts: 1 });
});
