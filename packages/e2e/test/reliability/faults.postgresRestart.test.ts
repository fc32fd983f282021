/**
 * PostgreSQL itself stopped cleanly (fast shutdown: a checkpoint, nothing lost) and started under
 * load; faults.postgresCrash.test.ts is the immediate stop. This file runs its OWN server
 * (helpers/ownServer.ts: the run's shared one must never be restarted), removed in afterAll; the
 * services log in as tasker_orchestration and tasker_worker users. While it is down the orchestration's /health/ready answers 503 and both services log
 * that their listener is reconnecting; after it is back they log `connected`, /health/ready is 200
 * again, and every task — those in flight at the stop and new ones — completes, each step executed
 * to completion exactly once.
 */
import { registerTemplate } from '@tasker/shared';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allFinished, createTaskHttp, eventually, executionAudit, sleep } from './helpers/audit.ts';
import { type OwnServer, startOwnServer } from './helpers/ownServer.ts';
import { getJson, startOrchestrationProcess, startWorkerProcess, stopAll } from './helpers/services.ts';

const NAMESPACE = 'rel_pg_restart';
let server: OwnServer | undefined;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  server = await startOwnServer({ database: 'tasker_restart' });
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 3 });
  pool.on('error', () => undefined); // its idle connections die with the server
}, 120_000);

afterAll(async () => {
  await stopAll();
  await pool?.end().catch(() => undefined);
  await server?.remove();
});

test('PostgreSQL stopped and started under load: services report it, recover, and finish every task', async () => {
  const db = pool as pg.Pool;
  const retry = { retryable: true, max_attempts: 3 };
  await registerTemplate(db, {
    namespace: NAMESPACE,
    name: 'three',
    version: '1.0.0',
    steps: ['a', 'b', 'c'].map((name, i, all) => ({
      name,
      handler: 'sleep',
      dependencies: i === 0 ? [] : [all[i - 1] as string],
      retry,
      inputs: { ms: 100 },
    })),
  });
  const own = server as OwnServer;
  const orchestration = await startOrchestrationProcess({
    databaseUrl: own.services.orchestration,
    visibilityTimeoutSeconds: 2,
    resultPollIntervalMs: 250,
  });
  const worker = await startWorkerProcess({
    databaseUrl: own.services.worker,
    namespaces: [NAMESPACE],
    visibilityTimeoutSeconds: 3,
    handlerTimeoutMs: 2_000,
    pollIntervalMs: 250,
  });
  for (let i = 0; i < 20; i++)
    expect(
      (await createTaskHttp(orchestration.url, { namespace: NAMESPACE, name: 'three', context: { i } }))
        .status,
    ).toBe(201);
  await eventually('work in flight', async () => {
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from tasker.workflow_steps where current_state = 'complete'",
    );
    return (rows[0]?.n ?? 0) > 0;
  });

  await own.stop();
  const ready = await eventually('/health/ready to answer 503', async () => {
    const answer = await getJson(`${orchestration.url}/health/ready`);
    return answer.status === 503 ? answer : undefined;
  });
  expect(ready.body).toMatchObject({ status: 'unavailable' });
  await eventually('worker /health to show the listener down', async () => {
    const health = await getJson(`${worker.url}/health`);
    return (health.body as { listening?: boolean }).listening === false;
  });
  await sleep(1_000);
  // a clean stop: the shutdown checkpoint was written, so the start needs no recovery
  const startup = await own.start();
  expect(startup).toContain('database system was shut down at');
  expect(startup).not.toContain('automatic recovery in progress');

  // bounded recovery: the listeners back off at most a few seconds between attempts
  await eventually(
    '/health/ready to answer 200 again',
    async () => (await getJson(`${orchestration.url}/health/ready`)).status === 200,
    30_000,
  );
  await eventually(
    'worker listening again',
    async () =>
      (await getJson(`${worker.url}/health`)).body instanceof Object &&
      ((await getJson(`${worker.url}/health`)).body as { listening?: boolean }).listening === true,
    30_000,
  );
  const orchestrationLog = orchestration.lines.join('\n');
  expect(orchestrationLog).toMatch(/database listener reconnecting[\s\S]*database listener connected/);
  const workerStates = worker.lines
    .filter((line) => line.includes('"event":"listener"'))
    .map((line) => (JSON.parse(line) as { state: string }).state);
  expect(workerStates.slice(workerStates.indexOf('reconnecting'))).toContain('connected');
  for (const secret of own.secrets) {
    expect(orchestrationLog).not.toContain(secret);
    expect(worker.lines.join('\n')).not.toContain(secret);
  }

  for (let i = 20; i < 30; i++)
    expect(
      (await createTaskHttp(orchestration.url, { namespace: NAMESPACE, name: 'three', context: { i } }))
        .status,
    ).toBe(201);
  expect(await allFinished(db, NAMESPACE, 30, 60_000)).toEqual({ complete: 30 });
  expect(await executionAudit(db, NAMESPACE)).toMatchObject({
    steps: 90,
    completeSteps: 90,
    completions: 90,
    duplicated: 0,
    missing: 0,
    completedTwice: 0,
  });
  expect(orchestration.child.exitCode).toBeNull();
  expect(worker.child.exitCode).toBeNull();
}, 120_000);
