/**
 * Every database connection of the services terminated (`pg_terminate_backend`) twice while tasks
 * are being created and run: the orchestration's and the workers' pools and LISTEN connections
 * reconnect, notifications sent while a listener was down are made up for by the polling fallback,
 * and every task completes with each step executed to completion exactly once.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { registerTemplate } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import { afterEach, expect, test } from 'vitest';
import { allFinished, executionAudit, sleep, taskStates } from './helpers/audit.ts';
import { getJson, startOrchestrationProcess, startWorkerProcess, stopAll } from './helpers/services.ts';

const db = useTestDatabase('reliability_terminate');
const NAMESPACE = 'rel_terminate';
const TASKS = 60;

afterEach(stopAll);

/** The connection string with an application_name, so the test can find the service's backends. */
function named(applicationName: string): string {
  const url = new URL(db.connectionString);
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

async function terminateServiceConnections(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity
     where datname = current_database() and application_name like 'tasker-%' and pid <> pg_backend_pid()`,
  );
  return rows[0]?.n ?? 0;
}

test('pg_terminate_backend of every service connection under load: everything reconnects and completes', async () => {
  const retry = { retryable: true, max_attempts: 3 };
  await registerTemplate(db.pool, {
    namespace: NAMESPACE,
    name: 'pair',
    version: '1.0.0',
    steps: [
      { name: 'first', handler: 'sleep', dependencies: [], retry, inputs: { ms: 30 } },
      { name: 'second', handler: 'noop', dependencies: ['first'], retry },
    ],
  });
  // orchestration sets application_name tasker-orchestration itself
  const orchestration = await startOrchestrationProcess({
    databaseUrl: db.connectionString,
    visibilityTimeoutSeconds: 2,
    resultPollIntervalMs: 250,
  });
  const workerOptions = {
    databaseUrl: named('tasker-worker'),
    namespaces: [NAMESPACE],
    visibilityTimeoutSeconds: 3,
    handlerTimeoutMs: 2_000,
    pollIntervalMs: 250,
  };
  const workers = [await startWorkerProcess(workerOptions), await startWorkerProcess(workerOptions)];

  let accepted = 0;
  let refused = 0;
  const create = async (i: number) => {
    const response = await fetch(`${orchestration.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: NAMESPACE, name: 'pair', context: { i } }),
    });
    if (response.status === 201) accepted++;
    else refused++; // a request whose connection was terminated under it: 500, nothing committed
    await response.arrayBuffer();
  };
  const load = (async () => {
    for (let i = 0; i < TASKS; i++) {
      await create(i);
      await sleep(20);
    }
  })();
  await sleep(400);
  const firstRound = await terminateServiceConnections();
  await sleep(500);
  const secondRound = await terminateServiceConnections();
  await load;
  // the service connections were there to be terminated (pools and 3 listeners at least)
  expect(firstRound).toBeGreaterThanOrEqual(3);
  expect(secondRound).toBeGreaterThanOrEqual(3);

  const created = Object.values(await taskStates(db.pool, NAMESPACE)).reduce((a, b) => a + b, 0);
  expect(created).toBe(accepted); // a refused request wrote nothing
  expect(accepted + refused).toBe(TASKS);
  expect(accepted).toBeGreaterThan(TASKS / 2);
  expect(await allFinished(db.pool, NAMESPACE, created, 40_000)).toEqual({ complete: created });
  expect(await executionAudit(db.pool, NAMESPACE)).toMatchObject({
    steps: created * 2,
    completeSteps: created * 2,
    completions: created * 2,
    duplicated: 0,
    missing: 0,
  });

  // the services say they are connected again, and keep serving new work
  await eventually(
    'orchestration ready',
    async () => (await getJson(`${orchestration.url}/health/ready`)).status === 200,
  );
  for (const worker of workers)
    await eventually('worker listening', async () => {
      const health = await getJson(`${worker.url}/health`);
      return health.status === 200 && (health.body as { listening?: boolean }).listening === true;
    });
  await create(TASKS);
  expect(await allFinished(db.pool, NAMESPACE, created + 1)).toEqual({ complete: created + 1 });
  for (const service of [orchestration, ...workers]) expect(service.child.exitCode).toBeNull();
}, 90_000);
