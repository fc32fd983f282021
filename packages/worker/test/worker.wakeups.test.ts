/**
 * How a worker finds work: a pgmq_message_ready.<namespace> notification wakes it at once (the
 * polling fallback set to a minute cannot be what found the step), and a message sent without
 * a notification (a missed one) is still found by the polling fallback within its interval.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { useWorkers } from './helpers/useWorkers.ts';
import { singleStep, stepInState, stepMessage } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const workers = useWorkers(db);

test('a notification wakes the worker at once', async () => {
  const worker = await workers.start({
    namespaces: ['notified'],
    pollIntervalMs: 60_000,
  });
  const sent = Date.now();
  const task = await seedTask(db.pool, singleStep('notified', 'noop'));
  // the notified step handed back
  await stepInState(db.pool, task.steps.get('only') ?? '', 'enqueued_for_orchestration', 2_000);
  expect(Date.now() - sent).toBeLessThan(2_000);
  expect(worker.listening).toBe(true);
});

test('a message without a notification is found by the polling fallback', async () => {
  // created before the worker listens (the creation's notification reaches no one), its message withheld
  const task = await seedTask(db.pool, singleStep('missed', 'noop'), { sendMessages: false });
  const step = task.steps.get('only') ?? '';
  await workers.start({
    namespaces: ['missed'],
    pollIntervalMs: 200,
  });
  await db.pool.query('select pgmq.send($1, $2::jsonb)', [
    task.queue,
    JSON.stringify(stepMessage(task, step)),
  ]); // no NOTIFY
  // the polling fallback finds the step
  await stepInState(db.pool, step, 'enqueued_for_orchestration', 3_000);
});
