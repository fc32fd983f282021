/**
 * Wake-ups sent after the commit (notify: 'after_commit', migration 000018) for orchestration and
 * workers, with either result hand-off: every built-in template completes with the predicted
 * results, and 40 concurrent diamonds execute each step exactly once.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, expectedResults } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTasks, startSystem, type TaskerSystem } from '../src/index.ts';

const db = useTestDatabase();

describe.each(['queue', 'inline'] as const)('%s hand-off', (resultHandoff) => {
  let system: TaskerSystem;
  beforeAll(async () => {
    system = await startSystem({
      connectionString: db.connectionString,
      workers: 2,
      resultHandoff,
      notify: 'after_commit',
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  test('every template completes with the expected results', async () => {
    for (const template of BUILTIN_TEMPLATES) {
      const context = { even_number: 2 };
      const created = await system.client.createTask({
        namespace: template.namespace,
        name: template.name,
        context,
        identity_strategy: 'always_unique',
      });
      await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: 20_000 });
      const steps = await system.client.listSteps(created.task.task_uuid);
      const stored = new Map(
        steps.map((step) => [step.name, BigInt((step.results as { result: string }).result)]),
      );
      expect(stored).toEqual(expectedResults(template, context));
    }
  });

  test('40 concurrent diamonds: every step executed exactly once', async () => {
    const diamond = BUILTIN_TEMPLATES.find((template) => template.name === 'diamond_pattern');
    if (!diamond) throw new Error('no diamond_pattern template');
    const uuids = await createTasks(system, diamond, 40);
    await Promise.all(uuids.map((uuid) => system.client.waitForCompletion(uuid, { timeoutMs: 30_000 })));
    const { rows } = await db.pool.query<{ runs: number; n: number }>(
      `select runs, count(*)::int as n from (
         select s.workflow_step_uuid, count(*) filter (where t.to_state = 'in_progress')::int as runs
         from tasker.workflow_steps s join tasker.workflow_step_transitions t using (workflow_step_uuid)
         where s.task_uuid = any($1::uuid[]) group by s.workflow_step_uuid) x
       group by runs`,
      [uuids],
    );
    expect(rows).toEqual([{ runs: 1, n: uuids.length * diamond.steps.length }]);
    expect(system.errors).toEqual([]);
  });
});
