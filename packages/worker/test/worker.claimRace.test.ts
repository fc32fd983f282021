/**
 * Many workers, one step: eight running workers, eight messages for the same step (as a duplicate
 * enqueue would produce). Exactly one handler call, one hand-back, one result message; every other
 * message is archived as a duplicate.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { eventually, seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { createHandlerRegistry } from '../src/index.ts';
import { useWorkers } from './helpers/useWorkers.ts';
import { resultMessages, sendStepMessage, singleStep, stepInState, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const WORKERS = 8;
const fleet = useWorkers(db);

test('eight workers, eight messages for one step: the handler runs exactly once', async () => {
  let calls = 0;
  const handlers = createHandlerRegistry({
    counted: async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { calls };
    },
  });
  // the step enqueued, its message withheld: the test sends its eight copies once the workers run
  const task = await seedTask(db.pool, singleStep('race', 'counted'), { sendMessages: false });
  const step = task.steps.get('only') ?? '';
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      fleet.start({
        namespaces: ['race'],
        concurrency: 4,
        poolSize: 3,
        handlers,
      }),
    ),
  );
  await Promise.all(Array.from({ length: WORKERS }, () => sendStepMessage(db.pool, task, step)));

  // the hand-back is done when the worker has counted it: its commit is visible to this test a
  // moment before the worker's own round trip returns
  await stepInState(db.pool, step, 'enqueued_for_orchestration');
  await eventually('the hand-back to be counted', () => workers.some((w) => w.metrics.submitted > 0));
  await eventually(
    'every other message to be skipped',
    () =>
      workers.reduce((sum, w) => sum + w.metrics.skipped.duplicate + w.metrics.skipped.finished, 0) ===
      WORKERS - 1,
    5_000,
  );
  expect(calls).toBe(1);
  expect(workers.reduce((sum, w) => sum + w.metrics.claimed, 0)).toBe(1);
  expect(workers.reduce((sum, w) => sum + w.metrics.submitted, 0)).toBe(1);
  expect(await stepRow(db.pool, step)).toMatchObject({ attempts: 1, results: { calls: 1 } });
  expect(await resultMessages(db.pool, task.taskUuid)).toEqual([
    {
      task_uuid: task.taskUuid,
      step_uuid: step,
      status: 'enqueued_for_orchestration',
      correlation_id: task.correlationId,
    },
  ]);
  const { rows } = await db.pool.query<{ n: string }>(`select queue_length as n from pgmq.metrics($1)`, [
    task.queue,
  ]);
  expect(Number(rows[0]?.n)).toBe(0);
});
