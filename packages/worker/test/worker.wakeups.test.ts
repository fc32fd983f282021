/**
 * How a worker finds work: a pgmq_message_ready.<namespace> notification wakes it at once (the
 * polling fallback set to a minute cannot be what found the step), and a message sent without
 * a notification (a missed one) is still found by the polling fallback within its interval.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { afterEach, expect, test } from 'vitest';
import { startWorker, type Worker } from '../src/index.ts';
import { eventually, seedTask, singleStep, stepMessage, stepRow } from './helpers/seedTask.ts';

const db = useTestDatabase();
let worker: Worker | undefined;

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

test('a notification wakes the worker at once', async () => {
  worker = await startWorker({
    connectionString: db.connectionString,
    // these tests check the hand-back to orchestration (the queue hand-off); the default is in worker.inline.test.ts
    resultHandoff: 'queue',
    namespaces: ['notified'],
    pollIntervalMs: 60_000,
  });
  const sent = Date.now();
  const task = await seedTask(db.pool, singleStep('notified', 'noop'));
  await eventually(
    async () =>
      (await stepRow(db.pool, task.steps.get('only') ?? '')).current_state === 'enqueued_for_orchestration'
        ? true
        : undefined,
    2_000,
    'the notified step to be handed back',
  );
  expect(Date.now() - sent).toBeLessThan(2_000);
  expect(worker.listening).toBe(true);
});

test('a message without a notification is found by the polling fallback', async () => {
  worker = await startWorker({
    connectionString: db.connectionString,
    // these tests check the hand-back to orchestration (the queue hand-off); the default is in worker.inline.test.ts
    resultHandoff: 'queue',
    namespaces: ['missed'],
    pollIntervalMs: 200,
  });
  const task = await seedTask(db.pool, singleStep('missed', 'noop'), { enqueueRoots: false });
  const step = task.steps.get('only') ?? '';
  await db.pool.query(`select tasker.transition_step_state_atomic($1, 'pending', 'enqueued')`, [step]);
  await db.pool.query('select pgmq.send($1, $2::jsonb)', [
    task.queue,
    JSON.stringify(stepMessage(task, step)),
  ]); // no NOTIFY
  await eventually(
    async () =>
      (await stepRow(db.pool, step)).current_state === 'enqueued_for_orchestration' ? true : undefined,
    3_000,
    'the polling fallback to find the step',
  );
});
