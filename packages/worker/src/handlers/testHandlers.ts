/**
 * Handlers for tests and benches, registered only where asked for — `createHandlerRegistry(TEST_HANDLERS)`,
 * `handlerThreads: { handlerModule: TEST_HANDLERS_MODULE }` (this module's default export), or
 * `tasker-worker --test-handlers` — never by default:
 *   database   one small indexed query: the number of steps of the task (needs the worker pool)
 *   sleep      waits inputs.ms milliseconds (aborted by the handler timeout)
 *   fail       throws: retryable unless inputs.permanent (inputs.backoff_seconds asks for a delay);
 *              succeeds from attempt inputs.succeed_on_attempt on, if given (the retry path)
 */
import { StepHandlerError } from '../errors.ts';
import type { StepHandler } from './stepHandler.ts';

/** This module's URL, for HandlerThreadPoolOptions.handlerModule. */
export const TEST_HANDLERS_MODULE: URL = new URL(import.meta.url);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const TEST_HANDLERS: Readonly<Record<'database' | 'sleep' | 'fail', StepHandler>> = {
  database: async (context) => {
    if (!context.db)
      throw new StepHandlerError('handler database needs the worker pool (not available in worker threads)', {
        retryable: false,
      });
    const { rows } = await context.db.query<{ steps: number }>({
      name: 'tasker_worker_database_handler',
      text: 'select count(*)::int as steps from tasker.workflow_steps where task_uuid = $1',
      values: [context.taskUuid],
    });
    return { steps: rows[0]?.steps ?? 0 };
  },
  sleep: async (context) => {
    const ms = Number(context.inputs.ms ?? 0);
    if (!Number.isFinite(ms) || ms < 0)
      throw new StepHandlerError(`sleep: inputs.ms must be ≥ 0, got ${context.inputs.ms}`, {
        retryable: false,
      });
    await sleep(ms, context.signal);
    return { slept_ms: ms };
  },
  fail: (context) => {
    const succeedOn = context.inputs.succeed_on_attempt;
    if (typeof succeedOn === 'number' && context.attempt >= succeedOn)
      return { succeeded_on_attempt: context.attempt };
    const permanent = context.inputs.permanent === true;
    const backoff = context.inputs.backoff_seconds;
    throw new StepHandlerError(
      String(context.inputs.message ?? `fail: attempt ${context.attempt} failed as asked`),
      {
        retryable: !permanent,
        ...(typeof backoff === 'number' ? { backoffSeconds: backoff } : {}),
      },
    );
  },
};

export default TEST_HANDLERS;
