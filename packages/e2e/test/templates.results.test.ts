/**
 * Every built-in template runs to complete through the real services, and every step stored the
 * result the template's arithmetic predicts (the tree's and the DAG's exceed 2^53: compared as bigint).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, expectedResults } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSystem, type TaskerSystem } from '../src/index.ts';
import { expectPredictedResults } from './helpers.ts';

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
      await expectPredictedResults(system, template, { even_number: 6 });
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
