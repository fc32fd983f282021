/**
 * A worker that dies mid-step: its claim's message reappears after the visibility timeout and
 * another worker takes the step over (attempt 2) and completes it, once. Twice: a worker process
 * killed with SIGKILL while its handler runs, and a claim abandoned in-process (the crash right
 * after claiming), whose late submit is then fenced out.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { claimStepMessages, isClaimed, submitStepResult } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { createHandlerRegistry, TEST_HANDLERS } from '../src/index.ts';
import { useWorkers } from './helpers/useWorkers.ts';
import { resultMessages, sendStepMessage, singleStep, stepInState, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const workers = useWorkers(db);

test('a worker process killed mid-step: another worker retries the step after the visibility timeout', async () => {
  // the step enqueued, its message withheld until the worker process runs
  const task = await seedTask(db.pool, singleStep('crash', 'sleep'), {
    inputs: { only: { ms: 800 } },
    sendMessages: false,
  });
  const step = task.steps.get('only') ?? '';
  const cli = await workers.startCli([
    '--namespaces',
    'crash',
    '--visibility-timeout',
    '2',
    '--handler-timeout-ms',
    '1500',
    '--poll-interval-ms',
    '100',
    '--test-handlers',
  ]);
  await sendStepMessage(db.pool, task, step);
  await stepInState(db.pool, step, 'in_progress');
  await cli.kill('SIGKILL');

  const killedAt = Date.now();
  const worker = await workers.start({
    namespaces: ['crash'],
    visibilityTimeoutSeconds: 2,
    handlerTimeoutMs: 1_500,
    pollIntervalMs: 100,
    handlers: createHandlerRegistry(TEST_HANDLERS),
  });
  // the step retried and handed back
  const row = await stepInState(db.pool, step, 'enqueued_for_orchestration');
  expect(row).toMatchObject({ attempts: 2, results: { slept_ms: 800 } });
  expect(worker.metrics.reclaimed).toBe(1);
  expect(Date.now() - killedAt).toBeGreaterThan(800); // it waited for the lease (and ran the handler)
  expect(await resultMessages(db.pool, task.taskUuid)).toHaveLength(1);
});

test('a claim abandoned in-process is taken over; the stale claimant cannot complete it', async () => {
  const task = await seedTask(db.pool, singleStep('abandon', 'noop'));
  const step = task.steps.get('only') ?? '';
  const [abandoned] = await claimStepMessages(db.pool, task.queue, { visibilityTimeoutSeconds: 1, qty: 1 });
  if (!abandoned || !isClaimed(abandoned)) throw new Error('expected a claim');
  await workers.start({
    namespaces: ['abandon'],
    visibilityTimeoutSeconds: 5,
    pollIntervalMs: 100,
  });
  await stepInState(db.pool, step, 'enqueued_for_orchestration');
  expect(
    await submitStepResult(db.pool, abandoned, {
      state: 'completed',
      results: '{"late":true}',
    }),
  ).toBe('stale');
  expect(await stepRow(db.pool, step)).toMatchObject({ attempts: 2, results: {} });
  expect(await resultMessages(db.pool, task.taskUuid)).toHaveLength(1);
});
