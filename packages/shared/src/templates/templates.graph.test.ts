/** Topological order and depth of the built-in and generated templates. */
import { describe, expect, test } from 'vitest';
import {
  BUILTIN_TEMPLATES,
  complexDag,
  diamondPattern,
  hierarchicalTree,
  mathematicalSequence,
} from './builtinTemplates.ts';
import { chain, fanOut } from './generators.ts';
import { validateTemplate } from './validateTemplate.ts';

const depths = (graph: ReturnType<typeof validateTemplate>) => Object.fromEntries(graph.depth);

describe('built-in templates', () => {
  test('all are valid, with the documented sizes', () => {
    expect(BUILTIN_TEMPLATES.map((t) => [t.name, t.steps.length])).toEqual([
      ['mathematical_sequence', 4],
      ['diamond_pattern', 4],
      ['complex_dag', 7],
      ['hierarchical_tree', 8],
    ]);
    for (const template of BUILTIN_TEMPLATES) expect(() => validateTemplate(template)).not.toThrow();
  });

  test('a line is ordered as declared, one level per step', () => {
    const graph = validateTemplate(mathematicalSequence);
    expect(graph.order).toEqual(['linear_step_1', 'linear_step_2', 'linear_step_3', 'linear_step_4']);
    expect(graph.maxDepth).toBe(3);
    expect(graph.roots).toEqual(['linear_step_1']);
    expect(graph.leaves).toEqual(['linear_step_4']);
  });

  test('the diamond puts both branches at depth 1', () => {
    const graph = validateTemplate(diamondPattern);
    expect(graph.order).toEqual([
      'diamond_start',
      'diamond_branch_left',
      'diamond_branch_right',
      'diamond_end',
    ]);
    expect(depths(graph)).toEqual({
      diamond_start: 0,
      diamond_branch_left: 1,
      diamond_branch_right: 1,
      diamond_end: 2,
    });
  });

  test('the DAG takes the longest path for depth and orders parents first', () => {
    const graph = validateTemplate(complexDag);
    expect(depths(graph)).toEqual({
      dag_init: 0,
      dag_process_left: 1,
      dag_process_right: 1,
      dag_validate: 2,
      dag_transform: 2,
      dag_analyze: 2,
      dag_finalize: 3,
    });
    const position = new Map(graph.order.map((name, i) => [name, i]));
    for (const step of complexDag.steps)
      for (const parent of step.dependencies)
        expect(position.get(parent) ?? Infinity).toBeLessThan(position.get(step.name) ?? -1);
    expect(graph.children.get('dag_process_left')).toEqual(['dag_validate', 'dag_transform']);
  });

  test('the tree has 1, 2, 4, 1 steps at depths 0 to 3', () => {
    const graph = validateTemplate(hierarchicalTree);
    const perDepth = [0, 1, 2, 3].map((d) => [...graph.depth.values()].filter((v) => v === d).length);
    expect(perDepth).toEqual([1, 2, 4, 1]);
  });

  test('an order is independent of declaration order, but ties follow it', () => {
    const shuffled = { ...diamondPattern, steps: [...diamondPattern.steps].reverse() };
    expect(validateTemplate(shuffled).order).toEqual([
      'diamond_start',
      'diamond_branch_right',
      'diamond_branch_left',
      'diamond_end',
    ]);
  });
});

describe('generators', () => {
  test('chain(n) is n steps in a line, depth n - 1', () => {
    const template = chain(12);
    expect(template.name).toBe('chain_12');
    expect(template.steps).toHaveLength(12);
    expect(template.steps[1]).toMatchObject({ name: 'chain_step_02', dependencies: ['chain_step_01'] });
    const graph = validateTemplate(template);
    expect(graph.maxDepth).toBe(11);
    expect(graph.order).toEqual(template.steps.map((s) => s.name));
  });

  test('fanOut(n) is a root, n leaves and a join; without the join, n + 1 steps', () => {
    const graph = validateTemplate(fanOut(5));
    expect(graph.order).toHaveLength(7);
    expect(graph.maxDepth).toBe(2);
    expect(graph.leaves).toEqual(['fan_join']);
    const open = validateTemplate(fanOut(5, { join: false, namespace: 'wide' }));
    expect(open.template).toMatchObject({ namespace: 'wide', name: 'fan_out_5_open' });
    expect(open.leaves).toHaveLength(5);
  });

  test('large generated templates validate quickly', () => {
    const started = performance.now();
    expect(validateTemplate(chain(20_000)).maxDepth).toBe(19_999);
    expect(validateTemplate(fanOut(20_000)).order).toHaveLength(20_002);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test('sizes out of range are refused', () => {
    expect(() => chain(0)).toThrow(RangeError);
    expect(() => fanOut(1.5)).toThrow(RangeError);
    expect(() => chain(100_001)).toThrow(RangeError);
  });
});
