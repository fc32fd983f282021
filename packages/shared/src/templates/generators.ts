/**
 * Template generators for scaling work: any length of chain, any width of fan-out. Their steps use
 * `increment` and `sum`, whose results stay small however large the template (see expectedResults).
 */
import { DEFAULT_RETRY, type StepTemplate, type WorkflowTemplate } from './workflowTemplate.ts';

export type GeneratorOptions = {
  /** default 'benchmark' */
  namespace?: string;
  /** default '1.0.0' */
  version?: string;
};

/** The most steps a generated template may have. */
export const MAX_GENERATED_STEPS = 100_000;

function checkSize(what: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min || n > MAX_GENERATED_STEPS)
    throw new RangeError(`${what}(n): n must be an integer from ${min} to ${MAX_GENERATED_STEPS}, got ${n}`);
}

const pad = (i: number, n: number) => String(i).padStart(String(n).length, '0');

/** `chain_<n>`: n steps in a line, each `increment` of its parent; the last result is even_number + n. */
export function chain(n: number, options: GeneratorOptions = {}): WorkflowTemplate {
  checkSize('chain', n, 1);
  const name = (i: number) => `chain_step_${pad(i, n)}`;
  const steps: StepTemplate[] = Array.from({ length: n }, (_, i) => ({
    name: name(i + 1),
    handler: 'increment',
    dependencies: i === 0 ? [] : [name(i)],
    retry: DEFAULT_RETRY,
  }));
  return {
    namespace: options.namespace ?? 'benchmark',
    name: `chain_${n}`,
    version: options.version ?? '1.0.0',
    steps,
  };
}

/**
 * `fan_out_<n>`: a root, n parallel leaves depending on it, and (unless `join: false`) a join
 * depending on all leaves: n + 2 steps. Root = even_number + 1, each leaf = root + 1, join = sum of
 * the leaves = n · (even_number + 2).
 */
export function fanOut(n: number, options: GeneratorOptions & { join?: boolean } = {}): WorkflowTemplate {
  checkSize('fanOut', n, 1);
  const leaf = (i: number) => `fan_leaf_${pad(i, n)}`;
  const leaves: StepTemplate[] = Array.from({ length: n }, (_, i) => ({
    name: leaf(i + 1),
    handler: 'increment',
    dependencies: ['fan_root'],
    retry: DEFAULT_RETRY,
  }));
  const steps: StepTemplate[] = [
    { name: 'fan_root', handler: 'increment', dependencies: [], retry: DEFAULT_RETRY },
    ...leaves,
  ];
  if (options.join !== false)
    steps.push({
      name: 'fan_join',
      handler: 'sum',
      dependencies: leaves.map((s) => s.name),
      retry: DEFAULT_RETRY,
    });
  return {
    namespace: options.namespace ?? 'benchmark',
    name: options.join === false ? `fan_out_${n}_open` : `fan_out_${n}`,
    version: options.version ?? '1.0.0',
    steps,
  };
}
