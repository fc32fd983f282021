/**
 * The built-in handlers, registered in every worker, for the built-in templates:
 *   noop                                 returns {} at once
 *   square, multiply_and_square,         the templates' arithmetic (shared/src/templates/arithmeticHandlers.ts):
 *   increment, sum                       inputs are the parents' `result`s (a root uses inputs.value, else the
 *                                        task context's even_number); returns { result: bigint }, stored as a
 *                                        decimal string because results outgrow 2^53 (n^64 in the tree)
 * Parents are taken in name order; every arithmetic handler is commutative, so that order is safe.
 * The handlers tests and benches use (database, sleep, fail) are in testHandlers.ts, registered only
 * where asked for.
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

export const BUILTIN_HANDLERS: Readonly<Record<string, StepHandler>> = {
  noop: () => EMPTY,
  square: arithmetic('square'),
  multiply_and_square: arithmetic('multiply_and_square'),
  increment: arithmetic('increment'),
  sum: arithmetic('sum'),
};
