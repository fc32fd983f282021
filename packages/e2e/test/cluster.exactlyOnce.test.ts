/**
 * Cluster mode, 2 orchestrators and 2 workers as child processes on one database: 200 linear tasks
 * (800 steps) complete, and the audit trail shows every step run exactly once — one claim
 * (enqueued → in_progress), one submit (in_progress → enqueued_for_orchestration), one completion.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { expectedFinalResult, mathematicalSequence } from '@tasker/shared';
import { expect, test } from 'vitest';
import { createTasks, liveChildPids, startSystem } from '../src/index.ts';

const TASKS = 200;
const db = useTestDatabase();

test(`2 orchestrators + 2 workers complete ${TASKS} tasks, each step executed once`, {
  timeout: 90_000,
}, async () => {
  const system = await startSystem({
    connectionString: db.connectionString,
    mode: 'cluster',
    orchestrators: 2,
    workers: 2,
  });
  try {
    const uuids = await createTasks(system, mathematicalSequence, TASKS, {
      context: () => ({ even_number: 2 }),
    });
    await Promise.all(
      uuids.map(async (uuid, i) => {
        const done = await system.clients[i % 2]?.waitForCompletion(uuid, { timeoutMs: 60_000 });
        expect(done?.state).toBe('complete');
      }),
    );
  } finally {
    await system.stop();
  }
  expect(liveChildPids()).toEqual([]);

  const { rows } = await db.pool.query<{
    steps: number;
    claims_ok: number;
    submits_ok: number;
    completes_ok: number;
    workers: number;
    wrong_results: number;
  }>(
    `with per_step as (
       select s.workflow_step_uuid, s.results,
         count(*) filter (where t.from_state = 'enqueued' and t.to_state = 'in_progress') as claims,
         count(*) filter (where t.from_state = 'in_progress' and t.to_state = 'enqueued_for_orchestration') as submits,
         count(*) filter (where t.to_state = 'complete') as completes,
         count(*) filter (where t.to_state = 'in_progress') as in_progress
       from tasker.workflow_steps s join tasker.workflow_step_transitions t using (workflow_step_uuid)
       group by s.workflow_step_uuid, s.results)
     select count(*)::int as steps,
       count(*) filter (where claims = 1 and in_progress = 1)::int as claims_ok,
       count(*) filter (where submits = 1)::int as submits_ok,
       count(*) filter (where completes = 1)::int as completes_ok,
       (select count(distinct t.metadata->>'worker_id')::int from tasker.workflow_step_transitions t
        where t.to_state = 'in_progress') as workers,
       (select count(*)::int from tasker.workflow_steps s join tasker.named_steps n using (named_step_uuid)
        where n.name = 'linear_step_4' and s.results->>'result' <> $1) as wrong_results
     from per_step`,
    [expectedFinalResult(mathematicalSequence, { even_number: 2 }).toString()],
  );
  expect(rows[0]).toEqual({
    steps: TASKS * 4,
    claims_ok: TASKS * 4,
    submits_ok: TASKS * 4,
    completes_ok: TASKS * 4,
    workers: expect.any(Number),
    wrong_results: 0,
  });
  // both workers took part (claims record the claiming worker's id)
  expect(rows[0]?.workers).toBe(2);
  const { rows: tasks } = await db.pool.query<{ n: number }>(
    `select count(*)::int as n from tasker.tasks where current_state = 'complete'`,
  );
  expect(tasks[0]?.n).toBe(TASKS);
});
