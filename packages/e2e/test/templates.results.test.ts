/**
 * Every built-in template runs to complete through the real services, and every step stored the
 * result the template's arithmetic predicts (the tree's and the DAG's exceed 2^53: compared as bigint).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, expectedResults } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSystem, type TaskerSystem } from '../src/index.ts';

const db = useTestDatabase();
let system: TaskerSystem;

beforeAll(async () => {
  system = await startSystem({ connectionString: db.connectionString, workers: 1 });
});
afterAll(async () => {
  await system?.stop();
});

describe.each(BUILTIN_TEMPLATES.map((template) => ({ template, name: template.name })))(
  '$name',
  ({ template }) => {
    test('completes with the expected result at every step', async () => {
      const context = { even_number: 6 };
      const created = await system.client.createTask({
        namespace: template.namespace,
        name: template.name,
        context,
        identity_strategy: 'always_unique',
      });
      const done = await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: 20_000 });
      expect(done.state).toBe('complete');
      const steps = await system.client.listSteps(created.task.task_uuid);
      const stored = new Map(
        steps.map((step) => [step.name, BigInt((step.results as { result: string }).result)]),
      );
      expect(stored).toEqual(expectedResults(template, context));
      expect(steps.every((step) => step.state === 'complete' && step.attempts === 1)).toBe(true);
    });
  },
);

test('the tree result is the bigint 6^64', async () => {
  const tree = BUILTIN_TEMPLATES.find((template) => template.name === 'hierarchical_tree');
  expect(tree).toBeDefined();
  if (!tree) return;
  expect([...expectedResults(tree, { even_number: 6 }).values()].at(-1)).toBe(6n ** 64n);
  expect(system.errors).toEqual([]);
});
