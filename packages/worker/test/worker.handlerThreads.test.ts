/**
 * A worker with handlerThreads runs its handlers in worker threads: a real workflow (the diamond)
 * completes with the expected results, each step's handler having run off the main thread, and the
 * results submitted; a CPU-bound handler leaves the worker's event loop free; the CLI's
 * --handler-threads does the same; and in-process `handlers` are refused beside threads.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { diamondPattern, expectedResults } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { createHandlerRegistry, Worker, WorkerConfigError } from '../src/index.ts';
import { driveToCompletion } from './helpers/miniOrchestrator.ts';
import { THREAD_HANDLERS_URL } from './helpers/threadHandlers.ts';
import { useWorkers } from './helpers/useWorkers.ts';
import { resultMessages, singleStep, stepInState } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const workers = useWorkers(db);

test('the diamond runs with every handler in a thread; results are stored and submitted', async () => {
  const worker = await workers.start({
    namespaces: [diamondPattern.namespace],
    concurrency: 4,
    handlerThreads: { size: 2, handlerModule: THREAD_HANDLERS_URL },
  });
  const task = await seedTask(db.pool, diamondPattern, { context: { even_number: 6 } });
  await driveToCompletion(db.pool, task);
  const { rows } = await db.pool.query<{ name: string; result: string; thread_id: number; main: boolean }>(
    `select ns.name, s.results->>'result' as result, (s.results->>'thread_id')::int as thread_id,
            (s.results->>'main_thread')::boolean as main
     from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid) where s.task_uuid = $1`,
    [task.taskUuid],
  );
  expect(new Map(rows.map((row) => [row.name, BigInt(row.result)]))).toEqual(
    expectedResults(diamondPattern, { even_number: 6 }),
  );
  for (const row of rows) {
    expect(row.main).toBe(false);
    expect(row.thread_id).toBeGreaterThan(0);
  }
  expect(worker.metrics).toMatchObject({ completed: 4, failed: 0, submitted: 4 });
});

test('a CPU-bound handler in a thread leaves the worker event loop running', async () => {
  await workers.start({
    namespaces: ['thread_spin'],
    handlerThreads: { size: 1, handlerModule: THREAD_HANDLERS_URL },
  });
  const task = await seedTask(db.pool, singleStep('thread_spin', 'spin'), { inputs: { only: { ms: 800 } } });
  const step = task.steps.get('only') ?? '';
  await stepInState(db.pool, step, 'in_progress');
  // in-process, the spin would hold the loop for 800 ms and this timer would fire about once
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    await stepInState(db.pool, step, 'enqueued_for_orchestration');
  } finally {
    clearInterval(timer);
  }
  expect(ticks).toBeGreaterThanOrEqual(10);
  expect(await resultMessages(db.pool, task.taskUuid)).toHaveLength(1);
});

test('the CLI with --handler-threads runs and submits a step', async () => {
  const cli = await workers.startCli(['--namespaces', 'thread_cli', '--handler-threads', '2']);
  expect(JSON.parse(cli.stdout[0] ?? '{}')).toMatchObject({ event: 'started', handler_threads: 2 });
  const task = await seedTask(db.pool, singleStep('thread_cli', 'square'), { context: { even_number: 4 } });
  const step = task.steps.get('only') ?? '';
  const row = await stepInState(db.pool, step, 'enqueued_for_orchestration');
  expect(row.results).toEqual({ result: '16' });
  expect(await resultMessages(db.pool, task.taskUuid)).toEqual([
    expect.objectContaining({ step_uuid: step, status: 'enqueued_for_orchestration' }),
  ]);
});

test('in-process handlers beside handlerThreads are refused, naming both options', () => {
  expect(
    () =>
      new Worker({
        connectionString: db.connectionString,
        // these tests check the hand-back to orchestration (the queue hand-off); the default is in worker.inline.test.ts
        resultHandoff: 'queue',
        namespaces: ['thread_refused'],
        handlers: createHandlerRegistry(),
        handlerThreads: { size: 1 },
      }),
  ).toThrow(WorkerConfigError);
  expect(
    () =>
      new Worker({
        connectionString: db.connectionString,
        // these tests check the hand-back to orchestration (the queue hand-off); the default is in worker.inline.test.ts
        resultHandoff: 'queue',
        namespaces: ['thread_refused'],
        handlers: createHandlerRegistry(),
        handlerThreads: { size: 1 },
      }),
  ).toThrow(/handlers and handlerThreads exclude each other/);
});
