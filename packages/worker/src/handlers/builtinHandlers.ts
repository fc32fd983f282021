/**
 * The built-in handlers, for the built-in templates, tests and benches:
 *   noop                                 returns {} at once
 *   square, multiply_and_square,         the templates' arithmetic (shared/src/templates/arithmeticHandlers.ts):
 *   increment, sum                       inputs are the parents' `result`s (a root uses inputs.value, else the
 *                                        task context's even_number); returns { result: bigint }, stored as a
 *                                        decimal string because results outgrow 2^53 (n^64 in the tree)
 *   database                             one small indexed query: the number of steps of the task
 *   sleep                                waits inputs.ms milliseconds (aborted by the handler timeout)
 *   fail                                 throws: retryable unless inputs.permanent; succeeds from attempt
 *                                        inputs.succeed_on_attempt on, if given (the retry path)
 * Parents are taken in name order; every arithmetic handler is commutative, so that order is safe.
 */
import { ARITHMETIC_HANDLERS, type ArithmeticHandlerName } from '@tasker/shared';
import { StepHandlerError } from '../errors.ts';
import type { StepContext, StepHandler } from './stepHandler.ts';

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (
    (typeof value === 'number' && Number.isInteger(value)) ||
    (typeof value === 'string' && /^-?\d+$/.test(value))
  )
    return BigInt(value);
  throw new StepHandlerError(`${what} is not an integer: ${JSON.stringify(value)}`, { retryable: false });
}

/** The arithmetic inputs of a step: its parents' results, or the root value. */
export function arithmeticInputs(context: StepContext): bigint[] {
  const parents = context.dependencies.filter((d) => d.distance === 1);
  if (parents.length === 0) {
    const root = context.inputs.value ?? context.taskContext.even_number;
    return [
      toBigInt(root, `step ${context.stepName}: the root value (inputs.value or task context even_number)`),
    ];
  }
  return parents.map((parent) => {
    const results = parent.results as { result?: unknown } | null;
    return toBigInt(results?.result, `step ${context.stepName}: the result of parent ${parent.name}`);
  });
}

function arithmetic(name: ArithmeticHandlerName): StepHandler {
  const compute = ARITHMETIC_HANDLERS[name];
  return (context) => ({ result: compute(arithmeticInputs(context)) });
}

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

export const BUILTIN_HANDLERS: Readonly<Record<string, StepHandler>> = {
  noop: () => EMPTY,
  square: arithmetic('square'),
  multiply_and_square: arithmetic('multiply_and_square'),
  increment: arithmetic('increment'),
  sum: arithmetic('sum'),
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
