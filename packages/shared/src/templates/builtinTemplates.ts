/**
 * The built-in workflow templates: small arithmetic workflows whose results are known in advance
 * (see expectedResults), each exercising one graph shape. Every root squares the task context's
 * `even_number` (n); the final results, for n and for the usual n = 6:
 *
 *   mathematical_sequence  a → b → c → d                      n^16  2821109907456
 *   diamond_pattern        start → left, right → end           n^16  2821109907456
 *   complex_dag            7 steps, fan-in of 2 and of 3       n^64  (needs bigint)
 *   hierarchical_tree      root → 2 branches → 4 leaves → 1    n^64  63340286662973277706162286946811886609896461828096
 */
import { DEFAULT_RETRY, type StepTemplate, type WorkflowTemplate } from './workflowTemplate.ts';

const step = (name: string, handler: string, dependencies: readonly string[] = []): StepTemplate => ({
  name,
  handler,
  dependencies,
  retry: DEFAULT_RETRY,
});

/** Linear, 4 steps: each squares its parent's result (the first squares n). */
export const mathematicalSequence: WorkflowTemplate = {
  namespace: 'linear_workflow',
  name: 'mathematical_sequence',
  version: '1.0.0',
  description: 'n → n² → n⁴ → n⁸ → n¹⁶: four steps in a line',
  steps: [
    step('linear_step_1', 'square'),
    step('linear_step_2', 'square', ['linear_step_1']),
    step('linear_step_3', 'square', ['linear_step_2']),
    step('linear_step_4', 'square', ['linear_step_3']),
  ],
};

/** Diamond, 4 steps: start squares n, two parallel branches square it, end multiplies both and squares. */
export const diamondPattern: WorkflowTemplate = {
  namespace: 'diamond_workflow',
  name: 'diamond_pattern',
  version: '1.0.0',
  description: 'start → (left, right) → end; end = (left · right)² = n¹⁶',
  steps: [
    step('diamond_start', 'square'),
    step('diamond_branch_left', 'square', ['diamond_start']),
    step('diamond_branch_right', 'square', ['diamond_start']),
    step('diamond_end', 'multiply_and_square', ['diamond_branch_left', 'diamond_branch_right']),
  ],
};

/**
 * DAG, 7 steps with mixed fan-in: init → left, right; validate ← (left, right); transform ← left;
 * analyze ← right; finalize ← (validate, transform, analyze).
 */
export const complexDag: WorkflowTemplate = {
  namespace: 'dag_workflow',
  name: 'complex_dag',
  version: '1.0.0',
  description: 'seven steps, fan-out of 2 and fan-in of 2 and 3; finalize = n⁶⁴',
  steps: [
    step('dag_init', 'square'),
    step('dag_process_left', 'square', ['dag_init']),
    step('dag_process_right', 'square', ['dag_init']),
    step('dag_validate', 'multiply_and_square', ['dag_process_left', 'dag_process_right']),
    step('dag_transform', 'square', ['dag_process_left']),
    step('dag_analyze', 'square', ['dag_process_right']),
    step('dag_finalize', 'multiply_and_square', ['dag_validate', 'dag_transform', 'dag_analyze']),
  ],
};

/** Tree, 8 steps: root → 2 branches → 2 leaves each → one convergence that multiplies all 4 leaves and squares. */
export const hierarchicalTree: WorkflowTemplate = {
  namespace: 'tree_workflow',
  name: 'hierarchical_tree',
  version: '1.0.0',
  description: 'root → 2 branches → 4 leaves → convergence = (leaf product)² = n⁶⁴ (bigint)',
  steps: [
    step('tree_root', 'square'),
    step('tree_branch_left', 'square', ['tree_root']),
    step('tree_branch_right', 'square', ['tree_root']),
    step('tree_leaf_d', 'square', ['tree_branch_left']),
    step('tree_leaf_e', 'square', ['tree_branch_left']),
    step('tree_leaf_f', 'square', ['tree_branch_right']),
    step('tree_leaf_g', 'square', ['tree_branch_right']),
    step('tree_final_convergence', 'multiply_and_square', [
      'tree_leaf_d',
      'tree_leaf_e',
      'tree_leaf_f',
      'tree_leaf_g',
    ]),
  ],
};

export const BUILTIN_TEMPLATES: readonly WorkflowTemplate[] = [
  mathematicalSequence,
  diamondPattern,
  complexDag,
  hierarchicalTree,
];

/** A built-in template by name, or undefined. */
export function builtinTemplate(name: string): WorkflowTemplate | undefined {
  return BUILTIN_TEMPLATES.find((template) => template.name === name);
}
