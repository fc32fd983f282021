/**
 * Validates a workflow template and computes its shape: a topological order and each step's depth
 * (the longest path from a root; roots are depth 0), used to create steps parents-first and to
 * stratify benchmark samples by depth.
 */
import { NAMESPACE_PATTERN } from '../queue/queueNames.ts';
import { type TemplateIssue, TemplateValidationError } from './templateErrors.ts';
import type { StepTemplate, WorkflowTemplate } from './workflowTemplate.ts';

export const TEMPLATE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const STEP_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;

/** A validated template with its graph. */
export type TemplateGraph = {
  template: WorkflowTemplate;
  /** step names, parents before children; ties in declaration order */
  order: readonly string[];
  /** longest distance from a root, per step */
  depth: ReadonlyMap<string, number>;
  /** the largest depth (0 for a single step) */
  maxDepth: number;
  /** the step names that each step's children are */
  children: ReadonlyMap<string, readonly string[]>;
  /** steps without dependencies, in declaration order */
  roots: readonly string[];
  /** steps nothing depends on, in declaration order */
  leaves: readonly string[];
};

const label = (t: WorkflowTemplate) => `${t.namespace}/${t.name}@${t.version}`;

/** Checks the template and returns its graph; throws TemplateValidationError listing every problem. */
export function validateTemplate(template: WorkflowTemplate): TemplateGraph {
  const issues = [...checkNames(template), ...checkSteps(template.steps)];
  if (issues.length > 0) throw new TemplateValidationError(label(template), issues);
  const graph = buildGraph(template);
  if ('cycle' in graph) {
    const path = [...graph.cycle, graph.cycle[0] ?? ''].join(' → ');
    throw new TemplateValidationError(label(template), [
      { kind: 'cycle', steps: graph.cycle, message: `steps form a cycle: ${path}` },
    ]);
  }
  return graph;
}

function checkNames(t: WorkflowTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  if (!NAMESPACE_PATTERN.test(t.namespace))
    issues.push({
      kind: 'invalid_namespace',
      steps: [],
      message: `namespace ${JSON.stringify(t.namespace)} must match ${NAMESPACE_PATTERN}`,
    });
  if (!TEMPLATE_NAME_PATTERN.test(t.name))
    issues.push({
      kind: 'invalid_name',
      steps: [],
      message: `name ${JSON.stringify(t.name)} must match ${TEMPLATE_NAME_PATTERN}`,
    });
  if (!VERSION_PATTERN.test(t.version))
    issues.push({
      kind: 'invalid_version',
      steps: [],
      message: `version ${JSON.stringify(t.version)} must be MAJOR.MINOR.PATCH`,
    });
  if (t.steps.length === 0) issues.push({ kind: 'empty', steps: [], message: 'it has no steps' });
  return issues;
}

function checkSteps(steps: readonly StepTemplate[]): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const step of steps) {
    if (seen.has(step.name)) duplicates.add(step.name);
    seen.add(step.name);
    issues.push(...checkStep(step));
  }
  for (const name of duplicates)
    issues.push({ kind: 'duplicate_step', steps: [name], message: `step ${name} is defined more than once` });
  for (const step of steps) {
    const unknown = step.dependencies.filter((dependency) => !seen.has(dependency));
    if (unknown.length > 0)
      issues.push({
        kind: 'unknown_dependency',
        steps: [step.name],
        message: `step ${step.name} depends on unknown step(s) ${unknown.join(', ')}`,
      });
  }
  return issues;
}

function checkStep(step: StepTemplate): TemplateIssue[] {
  const problems: string[] = [];
  if (!STEP_NAME_PATTERN.test(step.name)) problems.push(`its name must match ${STEP_NAME_PATTERN}`);
  if (step.handler.length === 0) problems.push('it has no handler');
  if (new Set(step.dependencies).size !== step.dependencies.length)
    problems.push('it lists a dependency twice');
  const { max_attempts, backoff_seconds } = step.retry;
  if (!Number.isInteger(max_attempts) || max_attempts < 1)
    problems.push('retry.max_attempts must be an integer ≥ 1');
  if (backoff_seconds !== undefined && !(Number.isFinite(backoff_seconds) && backoff_seconds >= 0))
    problems.push('retry.backoff_seconds must be ≥ 0');
  return problems.map((problem) => ({
    kind: 'invalid_step',
    steps: [step.name],
    message: `step ${JSON.stringify(step.name)}: ${problem}`,
  }));
}

/** Kahn's algorithm (ties in declaration order) plus longest-path depths; or a cycle when one exists. */
function buildGraph(template: WorkflowTemplate): TemplateGraph | { cycle: string[] } {
  const steps = template.steps;
  const children = new Map<string, string[]>(steps.map((s) => [s.name, []]));
  const waiting = new Map<string, number>();
  for (const step of steps) {
    waiting.set(step.name, step.dependencies.length);
    for (const parent of step.dependencies) children.get(parent)?.push(step.name);
  }
  const position = new Map(steps.map((s, i) => [s.name, i]));
  const byPosition = (a: string, b: string) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  let ready = steps.filter((s) => s.dependencies.length === 0).map((s) => s.name);
  const depth = new Map<string, number>(ready.map((name) => [name, 0]));
  const order: string[] = [];
  for (let head = 0; head < ready.length; ) {
    const name = ready[head++] as string;
    order.push(name);
    const released: string[] = [];
    for (const child of children.get(name) ?? []) {
      depth.set(child, Math.max(depth.get(child) ?? 0, (depth.get(name) ?? 0) + 1));
      const left = (waiting.get(child) ?? 0) - 1;
      waiting.set(child, left);
      if (left === 0) released.push(child);
    }
    if (released.length > 0) {
      // keep declaration order among everything ready
      ready = [...ready.slice(head), ...released].sort(byPosition);
      head = 0;
    }
  }
  if (order.length < steps.length) return { cycle: findCycle(template, new Set(order)) };
  return {
    template,
    order,
    depth,
    maxDepth: [...depth.values()].reduce((a, b) => Math.max(a, b), 0),
    children,
    roots: steps.filter((s) => s.dependencies.length === 0).map((s) => s.name),
    leaves: steps.filter((s) => (children.get(s.name) ?? []).length === 0).map((s) => s.name),
  };
}

/**
 * A cycle among the steps Kahn's algorithm could not order, found by following dependencies, in
 * parent → child order starting at its first-declared step.
 */
function findCycle(template: WorkflowTemplate, ordered: Set<string>): string[] {
  const parents = new Map(template.steps.map((s) => [s.name, s.dependencies.filter((d) => !ordered.has(d))]));
  const start = template.steps.find((s) => !ordered.has(s.name))?.name ?? '';
  const path: string[] = [];
  const at = new Map<string, number>();
  let current = start;
  // every unordered step has an unordered parent, so walking parents must revisit a step
  while (!at.has(current)) {
    at.set(current, path.length);
    path.push(current);
    current = parents.get(current)?.[0] ?? current;
  }
  const cycle = path.slice(at.get(current)).reverse();
  // start at the step declared first, so the same cycle is always reported the same way
  const position = new Map(template.steps.map((s, i) => [s.name, i]));
  const first = cycle.reduce(
    (best, name, i) => ((position.get(name) ?? 0) < (position.get(cycle[best] ?? '') ?? 0) ? i : best),
    0,
  );
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
