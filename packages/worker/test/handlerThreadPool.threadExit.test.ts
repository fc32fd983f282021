/**
 * HandlerThreadPool when a thread dies mid-call (the handler calls process.exit, or throws where no
 * one catches it) or runs past its timeout: that call fails with a typed error, the pool replaces
 * the thread, and every later call settles and succeeds. A handler module that cannot be loaded is
 * refused at start().
 */
import { afterEach, expect, test } from 'vitest';
import {
  type ClaimedStep,
  HandlerThreadError,
  HandlerThreadPool,
  type ThreadStepContext,
  WorkerClosedError,
  WorkerConfigError,
} from '../src/index.ts';
import { THREAD_HANDLERS_URL } from './helpers/threadHandlers.ts';

let pool: HandlerThreadPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const context = (inputs: Record<string, unknown> = {}): ThreadStepContext => ({
  taskUuid: 't',
  stepUuid: 's',
  stepName: 'step',
  correlationId: 'c',
  inputs,
  taskContext: { even_number: 6 },
  parentResults: {},
  dependencies: [],
  attempt: 1,
  maxAttempts: 3,
});

const step = (handler: string, inputs: Record<string, unknown> = {}): ClaimedStep => ({
  outcome: 'claimed',
  queue: 'worker_threads_queue',
  msgId: '1',
  readCount: 1,
  taskUuid: 't',
  stepUuid: 's',
  correlationId: 'c',
  stepName: 'step',
  handler,
  attempt: 1,
  maxAttempts: 3,
  retryable: true,
  inputs,
  taskContext: { even_number: 6 },
  dependencies: [],
});

const threadOf = async (p: HandlerThreadPool) =>
  ((await p.run('thread_id', context())) as { thread_id: number }).thread_id;

test('a thread that exits mid-call fails that call; its replacement serves every later call', async () => {
  pool = await HandlerThreadPool.start({ size: 1, handlerModule: THREAD_HANDLERS_URL });
  const before = await threadOf(pool);
  const exited = pool.run('exit_thread', context());
  await expect(exited).rejects.toBeInstanceOf(HandlerThreadError);
  await expect(exited).rejects.toMatchObject({
    code: 'TASKER_HANDLER_THREAD',
    message: /exited with code: 7/,
  });
  // the only thread died: these would never settle if it were not replaced
  const later = await Promise.all(Array.from({ length: 5 }, () => pool?.run('square', context())));
  expect(later).toEqual(
    Array.from({ length: 5 }, () => ({ result: 36n, thread_id: expect.any(Number), main_thread: false })),
  );
  expect(await threadOf(pool)).not.toBe(before);
  expect(pool.threads).toBe(1);
});

test('a thread killed by an uncaught error fails only the call it was running', async () => {
  pool = await HandlerThreadPool.start({ size: 2, handlerModule: THREAD_HANDLERS_URL });
  const spinning = pool.run('spin', context({ ms: 200 }));
  const crashed = pool.run('crash_thread', context());
  await expect(crashed).rejects.toMatchObject({
    code: 'TASKER_HANDLER_THREAD',
    message: /crashed on purpose/,
  });
  expect(await spinning).toEqual({ spun: true });
  const later = await Promise.all(Array.from({ length: 6 }, () => pool?.run('thread_id', context())));
  expect(later).toHaveLength(6);
  expect(pool.threads).toBe(2);
});

test('dispatch: a dead thread or a handler past its timeout is a failed, retryable outcome; the next runs', async () => {
  pool = await HandlerThreadPool.start({ size: 1, handlerModule: THREAD_HANDLERS_URL });
  const exited = await pool.dispatch(step('exit_thread'), { timeoutMs: 5_000 });
  expect(exited).toMatchObject({
    state: 'failed',
    retryable: true,
    error: { name: 'HandlerThreadError', code: 'TASKER_HANDLER_THREAD' },
  });
  // a synchronous spin cannot see its own timer: the thread is terminated at the deadline
  const spun = await pool.dispatch(step('spin', { ms: 60_000 }), { timeoutMs: 200 });
  expect(spun).toMatchObject({
    state: 'failed',
    retryable: true,
    error: { name: 'HandlerTimeoutError', code: 'TASKER_HANDLER_TIMEOUT' },
  });
  expect(JSON.parse(spun.results)).toMatchObject({ error: { name: 'HandlerTimeoutError', retryable: true } });
  const ok = await pool.dispatch(step('square'), { timeoutMs: 5_000 });
  expect(ok.state).toBe('completed');
  expect(JSON.parse(ok.results)).toMatchObject({ result: '36', main_thread: false });
  // permanence is decided in the thread as in-process: an unknown handler is not retried
  expect(await pool.dispatch(step('no_such_handler'), { timeoutMs: 5_000 })).toMatchObject({
    state: 'failed',
    retryable: false,
    error: { name: 'UnknownHandlerError' },
  });
});

test('close() rejects the calls still running with WorkerClosedError', async () => {
  pool = await HandlerThreadPool.start({ size: 1, handlerModule: THREAD_HANDLERS_URL });
  const running = pool.dispatch(step('spin', { ms: 60_000 }), { timeoutMs: 60_000 });
  const refused = expect(running).rejects.toBeInstanceOf(WorkerClosedError);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pool.close();
  await refused;
});

test('a handler module that cannot be loaded is refused at start(), naming the module', async () => {
  const missing = new URL('./helpers/no-such-module.ts', import.meta.url);
  const started = HandlerThreadPool.start({ size: 1, handlerModule: missing });
  await expect(started).rejects.toBeInstanceOf(WorkerConfigError);
  await expect(started).rejects.toThrow(/no-such-module\.ts/);
});
