/**
 * The results a correct run of an arithmetic template must produce, computed in TypeScript from
 * the template alone, so end-to-end tests can check what the workers stored.
 */
import { ARITHMETIC_HANDLERS, isArithmeticHandler } from './arithmeticHandlers.ts';
import { validateTemplate } from './validateTemplate.ts';
import type { WorkflowTemplate } from './workflowTemplate.ts';

/** The task context the arithmetic templates read: roots start from `even_number`. */
export type ArithmeticContext = { even_number: number | bigint | string };

/**
 * Each step's result for the given context, by step name (bigint: tree and DAG results exceed
 * 2^53). Throws for a step whose handler is not arithmetic, or an invalid template.
 */
export function expectedResults(template: WorkflowTemplate, context: ArithmeticContext): Map<string, bigint> {
  const graph = validateTemplate(template);
  const start = BigInt(context.even_number);
  const steps = new Map(template.steps.map((step) => [step.name, step]));
  const results = new Map<string, bigint>();
  for (const name of graph.order) {
    const step = steps.get(name);
    if (!step) continue;
    if (!isArithmeticHandler(step.handler))
      throw new RangeError(
        `step ${name} of ${template.name} has handler ${step.handler}, which is not arithmetic`,
      );
    const inputs =
      step.dependencies.length === 0 ? [start] : step.dependencies.map((parent) => results.get(parent) ?? 0n);
    results.set(name, ARITHMETIC_HANDLERS[step.handler](inputs));
  }
  return results;
}

/** The result of the template's last step in topological order (its single leaf for the built-ins). */
export function expectedFinalResult(template: WorkflowTemplate, context: ArithmeticContext): bigint {
  const results = expectedResults(template, context);
  const last = [...results.values()].at(-1);
  if (last === undefined) throw new RangeError(`template ${template.name} has no steps`);
  return last;
}
