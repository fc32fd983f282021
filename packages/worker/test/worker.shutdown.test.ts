/**
 * Graceful shutdown: close() (in-process) and SIGTERM (the CLI) stop claiming and finish the steps
 * in flight before the worker exits; /health and /metrics answer while it runs.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { eventually, seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { createHandlerRegistry, TEST_HANDLERS } from '../src/index.ts';
import { useWorkers } from './helpers/useWorkers.ts';
import { singleStep, stepInState, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const workers = useWorkers(db);

test('close() finishes the steps in flight, then claims nothing more', async () => {
  const worker = await workers.start({
    namespaces: ['drain'],
    concurrency: 3,
    handlers: createHandlerRegistry(TEST_HANDLERS),
  });
  const tasks = await Promise.all(
    Array.from({ length: 3 }, () =>
      seedTask(db.pool, singleStep('drain', 'sleep'), { inputs: { only: { ms: 300 } } }),
    ),
  );
  await eventually('3 steps in flight', () => worker.metrics.inFlight === 3, 5_000);
  await worker.close();
  expect(worker.state).toBe('closed');
  for (const task of tasks) {
    expect((await stepRow(db.pool, task.steps.get('only') ?? '')).current_state).toBe(
      'enqueued_for_orchestration',
    );
  }
  const late = await seedTask(db.pool, singleStep('drain', 'noop'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await stepRow(db.pool, late.steps.get('only') ?? '')).current_state).toBe('enqueued');
});

test('the CLI serves /health and /metrics, and on SIGTERM finishes its step and exits 0', async () => {
  const cli = await workers.startCli(['--namespaces', 'term', '--concurrency', '2', '--test-handlers']);
  const base = `http://127.0.0.1:${cli.port}`;
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({
    status: 'ok',
    namespaces: ['term'],
    listening: true,
    in_flight: 0,
  });

  const task = await seedTask(db.pool, singleStep('term', 'sleep'), { inputs: { only: { ms: 500 } } });
  const step = task.steps.get('only') ?? '';
  await stepInState(db.pool, step, 'in_progress');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toMatch(/tasker_worker_steps_claimed_total\{worker_id="[^"]+"\} 1/);
  expect(metrics).toMatch(/tasker_worker_in_flight\{worker_id="[^"]+"\} 1/);

  expect(await cli.kill('SIGTERM')).toBe(0);
  expect((await stepRow(db.pool, step)).current_state).toBe('enqueued_for_orchestration');
  expect(cli.stdout.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual([
    'started',
    'stopping',
    'stopped',
  ]);
});
