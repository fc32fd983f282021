/**
 * The worker's database role (12_access.sql): a login in tasker_worker can claim a step and hand it
 * back through the worker functions (which run as their owner), and nothing else: it cannot read or
 * write a table directly, nor run the orchestration's functions, and a completion of a step it did
 * not claim (another claim's message, or a guessed attempt) is fenced and changes nothing. The
 * reader role reads and cannot write; the orchestration role reads and writes tables.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import {
  claimStepMessages,
  completeStep,
  createServiceLogin,
  ensureTaskerQueues,
  isClaimed,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type ServiceLogin,
} from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { singleStep, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const logins: ServiceLogin[] = [];
const pools: pg.Pool[] = [];

async function poolAs(role: ServiceLogin['role']): Promise<pg.Pool> {
  const login = await createServiceLogin(db.connectionString, role, 'roles_test');
  logins.push(login);
  const pool = new pg.Pool({ connectionString: login.connectionString, max: 2 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

let worker: pg.Pool;
let reader: pg.Pool;
let orchestration: pg.Pool;
beforeAll(async () => {
  worker = await poolAs('tasker_worker');
  reader = await poolAs('tasker_reader');
  orchestration = await poolAs('tasker_orchestration');
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const login of logins) await login.drop();
});

const done = { state: 'completed', results: '{"ok":true}' } as const;
const options = { claimQty: 0, visibilityTimeoutSeconds: 30, workerId: 'roles-test' };

test('the worker role cannot read or write a table, nor run the orchestration functions', async () => {
  for (const sql of [
    'select * from tasker.tasks limit 1',
    'select * from tasker.workflow_steps limit 1',
    'select * from tasker.workflow_step_transitions limit 1',
    'select * from pgmq.meta limit 1',
    "update tasker.workflow_steps set current_state = 'complete'",
    "select tasker.register_named_task('{}'::jsonb)",
    'select * from tasker.get_task_execution_context(gen_random_uuid())',
  ])
    await expect(worker.query(sql), sql).rejects.toMatchObject({ code: '42501' });
});

test('the worker role claims and completes a step through the worker functions only', async () => {
  const task = await seedTask(db.pool, singleStep('roles_own', 'noop'));
  await ensureTaskerQueues(worker, [task.queue, ORCHESTRATION_STEP_RESULTS_QUEUE]);
  const [claimed] = await claimStepMessages(worker, task.queue, {
    visibilityTimeoutSeconds: 30,
    qty: 1,
    workerId: 'roles-test',
  });
  if (!claimed || !isClaimed(claimed)) throw new Error(`expected a claim, got ${JSON.stringify(claimed)}`);
  expect((await completeStep(worker, claimed, done, options)).status).toBe('submitted');
  expect(await stepRow(db.pool, claimed.stepUuid)).toMatchObject({ current_state: 'complete' });
});

test('a completion of a step the caller did not claim is fenced and changes nothing', async () => {
  const task = await seedTask(db.pool, singleStep('roles_other', 'noop'));
  const [claimed] = await claimStepMessages(db.pool, task.queue, {
    visibilityTimeoutSeconds: 30,
    qty: 1,
    workerId: 'the-owner',
  });
  if (!claimed || !isClaimed(claimed)) throw new Error(`expected a claim, got ${JSON.stringify(claimed)}`);
  // another message id (one it might have claimed elsewhere), the right attempt: fenced
  const otherMessage = { ...claimed, msgId: String(Number(claimed.msgId) + 1_000) };
  expect((await completeStep(worker, otherMessage, done, options)).status).toBe('fenced');
  // the right message, a guessed attempt: fenced
  const otherAttempt = { ...claimed, attempt: claimed.attempt + 1 };
  expect((await completeStep(worker, otherAttempt, done, options)).status).toBe('fenced');
  expect(await stepRow(db.pool, claimed.stepUuid)).toMatchObject({
    current_state: 'in_progress',
    attempts: 1,
  });
  // the claim's holder completes it
  expect((await completeStep(db.pool, claimed, done, options)).status).toBe('submitted');
  expect(await stepRow(db.pool, claimed.stepUuid)).toMatchObject({ current_state: 'complete' });
});

test('ensure_queues refuses a name that is not a tasker queue, without echoing it whole', async () => {
  const hostile = `x'; drop table tasker.tasks; --${'a'.repeat(500)}`;
  const error = await worker
    .query('select tasker.ensure_queues($1::text[])', [[hostile]])
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'TKM02' });
  expect(String((error as Error).message).length).toBeLessThan(150);
});

test('the reader reads and cannot write; the orchestration role reads and writes tables', async () => {
  await expect(reader.query('select count(*) from tasker.tasks')).resolves.toBeDefined();
  await expect(reader.query("update tasker.tasks set reason = 'x'")).rejects.toMatchObject({ code: '42501' });
  await expect(
    reader.query('select * from tasker.claim_step_messages($1, 30, 1)', ['worker_roles_own_queue']),
  ).rejects.toMatchObject({ code: '42501' });
  await expect(
    orchestration.query('update tasker.tasks set reason = reason where false'),
  ).resolves.toBeDefined();
  await expect(
    orchestration.query(`select count(*) from pgmq.q_${ORCHESTRATION_STEP_RESULTS_QUEUE}`),
  ).resolves.toBeDefined();
});
