/**
 * Parent results reach handlers correctly: the built-in diamond and hierarchical tree run through a
 * worker (with a stand-in for orchestration's result side), every step's stored result equals
 * expectedResults() — bigints included — and each handler saw exactly its parents and ancestors.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { diamondPattern, expectedResults, hierarchicalTree, type WorkflowTemplate } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { BUILTIN_HANDLERS, createHandlerRegistry, type StepHandler } from '../src/index.ts';
import { driveToCompletion } from './helpers/miniOrchestrator.ts';
import { useWorkers } from './helpers/useWorkers.ts';

const db = useTestDatabase();
const workers = useWorkers(db);

/** The built-in arithmetic handlers, each also recording which parents and ancestors it was given. */
function recordingRegistry(seen: Map<string, { parents: string[]; ancestors: string[] }>) {
  const wrap =
    (handler: StepHandler): StepHandler =>
    (context) => {
      seen.set(context.stepName, {
        parents: Object.keys(context.parentResults).sort(),
        ancestors: context.dependencies.map((d) => `${d.name}@${d.distance}`).sort(),
      });
      return handler(context);
    };
  return createHandlerRegistry({
    square: wrap(BUILTIN_HANDLERS.square as StepHandler),
    multiply_and_square: wrap(BUILTIN_HANDLERS.multiply_and_square as StepHandler),
  });
}

async function runWorkflow(template: WorkflowTemplate) {
  const seen = new Map<string, { parents: string[]; ancestors: string[] }>();
  await workers.start({
    namespaces: [template.namespace],
    concurrency: 4,
    handlers: recordingRegistry(seen),
  });
  const task = await seedTask(db.pool, template, { context: { even_number: 6 } });
  await driveToCompletion(db.pool, task);
  const { rows } = await db.pool.query<{ name: string; result: string }>(
    `select ns.name, s.results->>'result' as result from tasker.workflow_steps s
     join tasker.named_steps ns using (named_step_uuid) where s.task_uuid = $1`,
    [task.taskUuid],
  );
  const stored = new Map(rows.map((row) => [row.name, BigInt(row.result)]));
  return { stored, seen };
}

test('diamond: the end step gets both branches as parents and the start as a grandparent', async () => {
  const { stored, seen } = await runWorkflow(diamondPattern);
  expect(stored).toEqual(expectedResults(diamondPattern, { even_number: 6 }));
  expect(stored.get('diamond_end')).toBe(2821109907456n);
  expect(seen.get('diamond_end')).toEqual({
    parents: ['diamond_branch_left', 'diamond_branch_right'],
    ancestors: ['diamond_branch_left@1', 'diamond_branch_right@1', 'diamond_start@2'],
  });
  expect(seen.get('diamond_start')).toEqual({ parents: [], ancestors: [] });
});

test('tree: the convergence multiplies four leaves into n^64 (bigint) and sees all seven ancestors', async () => {
  const { stored, seen } = await runWorkflow(hierarchicalTree);
  expect(stored).toEqual(expectedResults(hierarchicalTree, { even_number: 6 }));
  expect(stored.get('tree_final_convergence')).toBe(6n ** 64n);
  expect(seen.get('tree_final_convergence')).toEqual({
    parents: ['tree_leaf_d', 'tree_leaf_e', 'tree_leaf_f', 'tree_leaf_g'],
    ancestors: [
      'tree_branch_left@2',
      'tree_branch_right@2',
      'tree_leaf_d@1',
      'tree_leaf_e@1',
      'tree_leaf_f@1',
      'tree_leaf_g@1',
      'tree_root@3',
    ],
  });
  expect(seen.get('tree_leaf_f')?.parents).toEqual(['tree_branch_right']);
});
