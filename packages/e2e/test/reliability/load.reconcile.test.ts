/**
 * 2,000 tasks created by 50 concurrent clients over loopback HTTP while 4 worker processes run:
 * the counts reconcile exactly — tasks accepted = tasks in the database = tasks complete, steps
 * executed to completion = steps defined (each exactly once), nothing stuck in a queue.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { type Orchestration, startOrchestration } from '@tasker/orchestration';
import { ORCHESTRATION_STEP_RESULTS_QUEUE, registerTemplate } from '@tasker/shared';
import { afterAll, expect, test } from 'vitest';
import { allFinished, executionAudit, queueDepth } from './helpers/audit.ts';
import { startWorkerProcess, stopAll } from './helpers/services.ts';

const db = useTestDatabase('reliability_load');
const NAMESPACE = 'rel_load';
const TASKS = 2_000;
const CLIENTS = 50;
const WORKERS = 4;
const STEPS_PER_TASK = 2;

let orchestration: Orchestration | undefined;
afterAll(async () => {
  await stopAll();
  await orchestration?.close();
});

test(`${TASKS} tasks from ${CLIENTS} concurrent clients, ${WORKERS} workers: every count reconciles`, async () => {
  const retry = { retryable: true, max_attempts: 3 };
  await registerTemplate(db.pool, {
    namespace: NAMESPACE,
    name: 'pair',
    version: '1.0.0',
    steps: [
      { name: 'first', handler: 'noop', dependencies: [], retry },
      { name: 'second', handler: 'noop', dependencies: ['first'], retry },
    ],
  });
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    poolSize: 20,
    onError: () => undefined,
  });
  for (let i = 0; i < WORKERS; i++)
    await startWorkerProcess({
      databaseUrl: db.connectionString,
      namespaces: [NAMESPACE],
      concurrency: 10,
      pollIntervalMs: 500,
    });

  let next = 0;
  let accepted = 0;
  const refusals: string[] = [];
  const client = async () => {
    for (let i = next++; i < TASKS; i = next++) {
      const response = await fetch(`${orchestration?.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ namespace: NAMESPACE, name: 'pair', context: { i } }),
      });
      if (response.status === 201) accepted++;
      else refusals.push(`${i}: ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  expect(refusals).toEqual([]);
  expect(accepted).toBe(TASKS);

  expect(await allFinished(db.pool, NAMESPACE, TASKS, 90_000)).toEqual({ complete: TASKS });
  expect(await executionAudit(db.pool, NAMESPACE)).toMatchObject({
    steps: TASKS * STEPS_PER_TASK,
    completeSteps: TASKS * STEPS_PER_TASK,
    completions: TASKS * STEPS_PER_TASK,
    duplicated: 0,
    missing: 0,
  });
  expect(await queueDepth(db.pool, `worker_${NAMESPACE}_queue`)).toBe(0);
  expect(await queueDepth(db.pool, ORCHESTRATION_STEP_RESULTS_QUEUE)).toBe(0);
}, 150_000);
