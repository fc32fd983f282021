/**
 * The inline result hand-off (worker option resultHandoff: 'inline', 11_worker_claim_submit.sql): every
 * built-in template completes with the predicted results without a single message on
 * orchestration_step_results; each step's audit trail still passes through
 * enqueued_for_orchestration; and a diamond's two branches finishing together enqueue the join
 * exactly once (the task row serialises them, as in orchestration). The inline hand-off is the
 * default, so the rest of the e2e suite runs under it too; .ci/run runs it again with
 * TASKER_RESULT_HANDOFF=queue.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, ORCHESTRATION_STEP_RESULTS_QUEUE } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTasks, startSystem, type TaskerSystem } from '../src/index.ts';
import { claimsPerStep, expectPredictedResults } from './helpers.ts';

const db = useTestDatabase();
let system: TaskerSystem;

async function resultMessagesEver(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `select ((select count(*) from pgmq.q_${ORCHESTRATION_STEP_RESULTS_QUEUE})
           + (select count(*) from pgmq.a_${ORCHESTRATION_STEP_RESULTS_QUEUE}))::int as n`,
  );
  return rows[0]?.n ?? -1;
}

beforeAll(async () => {
  system = await startSystem({
    connectionString: db.connectionString,
    workers: 2,
    resultHandoff: 'inline',
  });
});
afterAll(async () => {
  await system?.stop();
});

describe.each(BUILTIN_TEMPLATES.map((template) => ({ template, name: template.name })))(
  '$name',
  ({ template }) => {
    test('completes with the expected result at every step, no result message', async () => {
      const taskUuid = await expectPredictedResults(system, template, { even_number: 4 });
      const { rows } = await db.pool.query<{ trail: string[] }>(
        `select array_agg(t.to_state order by t.sort_key) as trail
       from tasker.workflow_step_transitions t join tasker.workflow_steps s using (workflow_step_uuid)
       where s.task_uuid = $1 group by s.workflow_step_uuid`,
        [taskUuid],
      );
      // roots are created enqueued; every other step starts pending
      const tail = ['enqueued', 'in_progress', 'enqueued_for_orchestration', 'complete'];
      const roots = template.steps.filter((step) => step.dependencies.length === 0).length;
      expect(rows.filter(({ trail }) => trail[0] === 'enqueued')).toHaveLength(roots);
      expect(rows).toHaveLength(template.steps.length);
      for (const { trail } of rows) expect(trail[0] === 'pending' ? trail.slice(1) : trail).toEqual(tail);
      expect(await resultMessagesEver()).toBe(0);
    });
  },
);

test('many diamonds at once: each join step enqueued and executed exactly once', async () => {
  const diamond = BUILTIN_TEMPLATES.find((template) => template.name === 'diamond_pattern');
  if (!diamond) throw new Error('no diamond_pattern template');
  const uuids = await createTasks(system, diamond, 60);
  await Promise.all(uuids.map((uuid) => system.client.waitForCompletion(uuid, { timeoutMs: 30_000 })));
  expect(await claimsPerStep(db.pool, uuids)).toEqual([{ runs: 1, n: uuids.length * diamond.steps.length }]);
  expect(await resultMessagesEver()).toBe(0);
  expect(system.errors).toEqual([]);
});
