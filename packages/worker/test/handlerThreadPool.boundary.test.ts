/**
 * HandlerThreadPool: handlers run in worker threads across the structured-clone boundary — values
 * (bigints included) come back intact, failures come back as StepHandlerError with their retry
 * flag, and close() terminates every thread.
 */
import { afterEach, expect, test } from 'vitest';
import {
  HandlerThreadPool,
  StepHandlerError,
  TEST_HANDLERS_MODULE,
  type ThreadStepContext,
  WorkerClosedError,
} from '../src/index.ts';

let pool: HandlerThreadPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const context = (overrides: Partial<ThreadStepContext> = {}): ThreadStepContext => ({
  taskUuid: 't',
  stepUuid: 's',
  stepName: 'step',
  correlationId: 'c',
  inputs: {},
  taskContext: { even_number: 6 },
  parentResults: {},
  dependencies: [],
  attempt: 1,
  maxAttempts: 3,
  ...overrides,
});

test('runs built-in handlers in threads; bigints cross the boundary intact', async () => {
  pool = await HandlerThreadPool.start({ size: 2 });
  expect(pool.handlerNames).not.toContain('fail');
  expect(await pool.run('noop', context())).toEqual({});
  const parents = [
    { stepUuid: 'a', name: 'a', results: { result: (6n ** 16n).toString() }, distance: 1 },
    { stepUuid: 'b', name: 'b', results: { result: (6n ** 16n).toString() }, distance: 1 },
  ];
  expect(await pool.run('multiply_and_square', context({ dependencies: parents }))).toEqual({
    result: 6n ** 64n,
  });
  const many = await Promise.all(Array.from({ length: 20 }, () => pool?.run('square', context())));
  expect(many).toEqual(Array.from({ length: 20 }, () => ({ result: 36n })));
});

test('failures come back typed with their retry flag; a closed pool refuses work', async () => {
  // the test handlers reach threads as a handler module; the built-ins alone have no fail
  pool = await HandlerThreadPool.start({ size: 1, handlerModule: TEST_HANDLERS_MODULE });
  expect(pool.handlerNames).toContain('fail');
  const permanent = pool.run('fail', context({ inputs: { permanent: true, message: 'no' } }));
  await expect(permanent).rejects.toBeInstanceOf(StepHandlerError);
  await expect(permanent).rejects.toMatchObject({ message: 'no', retryable: false });
  await expect(pool.run('missing', context())).rejects.toMatchObject({ retryable: true });
  await pool.close();
  await expect(pool.run('noop', context())).rejects.toBeInstanceOf(WorkerClosedError);
});
