/**
 * The arithmetic handlers of the built-in and generated templates, as pure functions over bigint:
 * the reference that worker handlers implement and that expectedResults() evaluates. A root step's
 * input is the task context's `even_number`; any other step's inputs are its parents' results, in
 * the order of its `dependencies`.
 */

export type ArithmeticHandler = (inputs: readonly bigint[]) => bigint;

const product = (values: readonly bigint[]) => values.reduce((a, b) => a * b, 1n);
const sum = (values: readonly bigint[]) => values.reduce((a, b) => a + b, 0n);

function single(handler: string, inputs: readonly bigint[]): bigint {
  const [only] = inputs;
  if (only === undefined || inputs.length !== 1)
    throw new RangeError(`handler ${handler} takes exactly one input, got ${inputs.length}`);
  return only;
}

export const ARITHMETIC_HANDLERS = {
  /** x² of the one input */
  square: (inputs) => single('square', inputs) ** 2n,
  /** (product of the inputs)² */
  multiply_and_square: (inputs) => product(inputs) ** 2n,
  /** (sum of the inputs) + 1: cheap, stays small over long chains */
  increment: (inputs) => sum(inputs) + 1n,
  /** sum of the inputs */
  sum: (inputs) => sum(inputs),
} as const satisfies Record<string, ArithmeticHandler>;

export type ArithmeticHandlerName = keyof typeof ARITHMETIC_HANDLERS;

export function isArithmeticHandler(name: string): name is ArithmeticHandlerName {
  return Object.hasOwn(ARITHMETIC_HANDLERS, name);
}
