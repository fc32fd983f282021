/**
 * Admission control and an absent database (http/admission.ts, errorHandler.ts): with its limit of
 * requests in flight reached, the next request that needs the database is answered 503
 * `overloaded` with Retry-After at once and does nothing, while liveness still answers; a request
 * that cannot get a database connection within the pool's timeout is answered 503
 * `database_unavailable` with Retry-After, not 500. (TaskerClient's retry of a refused creation:
 * packages/client/test/taskerClient.overloaded.test.ts.)
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import type pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { type Orchestration, startOrchestration } from '../src/index.ts';

const db = useTestDatabase();
let orchestration: Orchestration | undefined;
let holder: pg.PoolClient | undefined;
afterEach(async () => {
  await holder?.query('rollback').catch(() => undefined);
  holder?.release();
  holder = undefined;
  await orchestration?.close();
});

const body = () => ({
  namespace: mathematicalSequence.namespace,
  name: mathematicalSequence.name,
  context: { even_number: 2, n: Math.random() },
});

/** Creates a task, then holds its row locked: a cancel of it waits (holding its connection). */
async function lockedTask(url: string): Promise<string> {
  const created = (await (await fetch(`${url}/v1/tasks`, post(body()))).json()) as {
    task: { task_uuid: string };
  };
  holder = await db.pool.connect();
  await holder.query('begin');
  await holder.query('select 1 from tasker.tasks where task_uuid = $1 for update', [created.task.task_uuid]);
  return created.task.task_uuid;
}

const post = (payload: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(payload),
});

test('at its limit the API answers 503 overloaded with Retry-After at once, does nothing, and liveness still answers', async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
    maxInFlight: 1,
    onError: () => undefined,
  });
  const url = orchestration.url;
  const uuid = await lockedTask(url);
  const blocked = fetch(`${url}/v1/tasks/${uuid}`, { method: 'DELETE' });
  await eventually('one request in flight', async () => orchestration?.server.admission.inFlight === 1);

  const before = await db.pool.query<{ n: number }>('select count(*)::int as n from tasker.tasks');
  const refused = await fetch(`${url}/v1/tasks`, post(body()));
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(await refused.json()).toMatchObject({ error: { code: 'overloaded' } });
  expect((await db.pool.query<{ n: number }>('select count(*)::int as n from tasker.tasks')).rows).toEqual(
    before.rows,
  );
  expect((await fetch(`${url}/health/live`)).status).toBe(200);
  expect(orchestration.server.admission.rejected).toBe(1);

  await holder?.query('rollback');
  expect((await blocked).status).toBe(200);
  await eventually('no request in flight', async () => orchestration?.server.admission.inFlight === 0);
  expect((await fetch(`${url}/v1/tasks`, post(body()))).status).toBe(201);
});

test('no database connection within the timeout: 503 database_unavailable with Retry-After, not 500', async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
    poolSize: 1,
    connectionTimeoutMs: 300,
    onError: () => undefined,
  });
  const url = orchestration.url;
  const uuid = await lockedTask(url);
  // the cancel holds the pool's only connection, waiting for the row lock
  const blocked = fetch(`${url}/v1/tasks/${uuid}`, { method: 'DELETE' });
  await eventually('one request in flight', async () => orchestration?.server.admission.inFlight === 1);
  const starved = await fetch(`${url}/v1/tasks/${uuid}`);
  expect(starved.status).toBe(503);
  expect(starved.headers.get('retry-after')).toBe('1');
  expect(await starved.json()).toMatchObject({ error: { code: 'database_unavailable' } });
  await holder?.query('rollback');
  expect((await blocked).status).toBe(200);
});
