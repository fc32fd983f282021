/**
 * A handler module for HandlerThreadPool tests, loaded in each thread by URL: handlers that end or
 * crash their thread mid-call, a synchronous CPU spin, and the arithmetic built-ins wrapped to
 * record which thread ran them.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { BUILTIN_HANDLERS, type StepContext, type StepHandler } from '../../src/index.ts';

/** The module's URL, as HandlerThreadPoolOptions.handlerModule takes it. */
export const THREAD_HANDLERS_URL = new URL(import.meta.url);

function inThread(handler: StepHandler): StepHandler {
  return async (context: StepContext) => {
    const value = (await handler(context)) as Record<string, unknown>;
    return { ...value, thread_id: threadId, main_thread: isMainThread };
  };
}

export default {
  /** ends its thread in the middle of the call */
  exit_thread: () => {
    process.exit(7);
  },
  /** an uncaught error in the thread, after the call has started */
  crash_thread: () =>
    new Promise(() => {
      setTimeout(() => {
        throw new Error('crashed on purpose');
      }, 5);
    }),
  /** busy for inputs.ms milliseconds without yielding: only terminating the thread stops it */
  spin: (context: StepContext) => {
    const until = performance.now() + Number(context.inputs.ms ?? 0);
    while (performance.now() < until);
    return { spun: true };
  },
  thread_id: () => ({ thread_id: threadId }),
  square: inThread(BUILTIN_HANDLERS.square as StepHandler),
  multiply_and_square: inThread(BUILTIN_HANDLERS.multiply_and_square as StepHandler),
} satisfies Record<string, StepHandler>;
