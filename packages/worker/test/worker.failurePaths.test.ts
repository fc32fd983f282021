/**
 * A running worker on the failure paths: a retryable failure hands the step back as an error with
 * its retry policy intact, and after orchestration re-enqueues it (waiting_for_retry → enqueued)
 * the next attempt succeeds; a permanent failure turns retryable off; a handler timeout is a
 * retryable failure.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { processStepResult } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { beforeEach, expect, test } from 'vitest';
import { createHandlerRegistry, TEST_HANDLERS } from '../src/index.ts';
import { useWorkers } from './helpers/useWorkers.ts';
import { enqueueStep, resultMessages, singleStep, stepInState } from './helpers/workerSteps.ts';

const db = useTestDatabase();
const NS = 'failures';
const workers = useWorkers(db);

beforeEach(async () => {
  await workers.start({
    namespaces: [NS],
    concurrency: 4,
    visibilityTimeoutSeconds: 5,
    handlerTimeoutMs: 200,
    handlers: createHandlerRegistry(TEST_HANDLERS),
  });
});

test('a retryable failure goes to enqueued_as_error_for_orchestration; the retry then succeeds', async () => {
  const task = await seedTask(db.pool, singleStep(NS, 'fail'), {
    inputs: { only: { message: 'transient', succeed_on_attempt: 2, backoff_seconds: 3 } },
  });
  const step = task.steps.get('only') ?? '';
  const failed = await stepInState(db.pool, step, 'enqueued_as_error_for_orchestration');
  expect(failed).toMatchObject({
    attempts: 1,
    retryable: true,
    backoff_request_seconds: 3,
    results: { error: { message: 'transient', code: 'TASKER_STEP_HANDLER', retryable: true } },
  });
  expect((await resultMessages(db.pool, task.taskUuid)).map((m) => m.status)).toEqual([
    'enqueued_as_error_for_orchestration',
  ]);

  // orchestration's result processor (the step, attempts left, → waiting_for_retry), then the
  // re-enqueue its retry poller makes once the 3 s backoff has run out, without waiting for it
  expect((await processStepResult(db.pool, step)).outcome).toBe('retrying');
  await enqueueStep(db.pool, task, step, 'waiting_for_retry');
  const retried = await stepInState(db.pool, step, 'enqueued_for_orchestration');
  expect(retried).toMatchObject({ attempts: 2, results: { succeeded_on_attempt: 2 } });
  expect((await resultMessages(db.pool, task.taskUuid)).map((m) => m.status)).toEqual([
    'enqueued_as_error_for_orchestration',
    'enqueued_for_orchestration',
  ]);
});

test('a permanent failure turns the step non-retryable, whatever attempts remain', async () => {
  const task = await seedTask(db.pool, singleStep(NS, 'fail'), {
    inputs: { only: { permanent: true, message: 'bad input' } },
  });
  const row = await stepInState(db.pool, task.steps.get('only') ?? '', 'enqueued_as_error_for_orchestration');
  expect(row).toMatchObject({
    attempts: 1,
    retryable: false,
    results: { error: { message: 'bad input', retryable: false } },
  });
});

test('a handler past handlerTimeoutMs fails retryable with a timeout error', async () => {
  const task = await seedTask(db.pool, singleStep(NS, 'sleep'), { inputs: { only: { ms: 10_000 } } });
  const row = await stepInState(db.pool, task.steps.get('only') ?? '', 'enqueued_as_error_for_orchestration');
  expect(row).toMatchObject({ retryable: true, results: { error: { code: 'TASKER_HANDLER_TIMEOUT' } } });
});

test('a step whose handler this worker lacks fails permanently, naming the handler', async () => {
  const task = await seedTask(db.pool, singleStep(NS, 'not_registered'));
  const row = await stepInState(db.pool, task.steps.get('only') ?? '', 'enqueued_as_error_for_orchestration');
  expect(row).toMatchObject({ retryable: false, results: { error: { code: 'TASKER_UNKNOWN_HANDLER' } } });
});
