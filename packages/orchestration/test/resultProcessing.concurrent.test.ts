/**
 * Two orchestrators on one database never process a result twice, and the results of two branches
 * of one task evaluated concurrently still enqueue their join exactly once.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { diamondPattern, registerTemplate } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTask, type Orchestration, processStepResult, startOrchestration } from '../src/index.ts';
import { claimSteps, eventually, http, submitStep, taskState } from './helpers.ts';

const db = useTestDatabase();
const TASKS = 25;

test('scripted interleaving: left and right results of a diamond, B waits for A, join enqueued once', async () => {
  await registerTemplate(db.pool, diamondPattern);
  const created = await createTask(db.pool, {
    namespace: diamondPattern.namespace,
    name: diamondPattern.name,
    context: { even_number: 2 },
    identity_strategy: 'always_unique',
  });
  const ns = diamondPattern.namespace;
  const [start] = await claimSteps(db.pool, ns);
  if (!start) throw new Error('start step not enqueued');
  await submitStep(db.pool, start);
  await processStepResult(db.pool, start.stepUuid);
  const branches = await claimSteps(db.pool, ns);
  expect(branches.map((b) => b.stepName).sort()).toEqual(['diamond_branch_left', 'diamond_branch_right']);
  for (const branch of branches) await submitStep(db.pool, branch);
  const [left, right] = branches;
  if (!left || !right) throw new Error('branches missing');

  const a = await db.pool.connect();
  const b = await db.pool.connect();
  try {
    await a.query('begin');
    const first = await processStepResult(a, left.stepUuid); // A holds the task row
    expect(first).toMatchObject({ outcome: 'completed', enqueued: 0 });
    await b.query('begin');
    const second = processStepResult(b, right.stepUuid); // B blocks on the task row
    const blocked = await Promise.race([second.then(() => 'finished'), sleepValue(200, 'blocked')]);
    expect(blocked).toBe('blocked');
    await a.query('commit');
    const result = await second; // B now sees left complete
    expect(result).toMatchObject({ outcome: 'completed', enqueued: 1 });
    await b.query('commit');
  } finally {
    a.release();
    b.release();
  }
  const end = await claimSteps(db.pool, ns);
  expect(end.map((s) => s.stepName)).toEqual(['diamond_end']);
  expect(await taskState(db.pool, created.task.task_uuid)).toBe('steps_in_process');
  // the results were processed by hand above: drop their messages so the next test starts clean
  await db.pool.query("select pgmq.purge_queue('orchestration_step_results')");
});

describe('two orchestrators', () => {
  let a: Orchestration;
  let b: Orchestration;
  const processedBy = { a: 0, b: 0 };

  beforeAll(async () => {
    a = await startOrchestration({
      databaseUrl: db.connectionString,
      onResultProcessed: () => processedBy.a++,
    });
    b = await startOrchestration({
      databaseUrl: db.connectionString,
      onResultProcessed: () => processedBy.b++,
    });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  test(`two orchestrators, ${TASKS} diamonds, every result sent twice: each step completes exactly once`, async () => {
    const ns = diamondPattern.namespace;
    const uuids: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const target = i % 2 === 0 ? a : b;
      const res = await http(target.url, 'POST', '/v1/tasks', {
        namespace: ns,
        name: diamondPattern.name,
        context: { even_number: 2, i },
      });
      expect(res.status).toBe(201);
      uuids.push(res.body.task.task_uuid);
    }
    const allComplete = async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        "select count(*)::int as n from tasker.tasks where task_uuid = any($1::uuid[]) and current_state = 'complete'",
        [uuids],
      );
      return rows[0]?.n === TASKS;
    };
    const deadline = Date.now() + 20_000;
    while (!(await allComplete())) {
      if (Date.now() > deadline) throw new Error('tasks did not complete');
      const claimed = await claimSteps(db.pool, ns);
      // every result message is sent twice: the second copy must be a no-op ('stale')
      await Promise.all(claimed.map((step) => submitStep(db.pool, step, { ok: true }, 2)));
      if (claimed.length === 0) await sleepValue(5, null);
    }
    const steps = TASKS * diamondPattern.steps.length;
    const { rows } = await db.pool.query<{ completes: number; enqueues: number; messages: number }>(
      `select
      (select count(*)::int from tasker.workflow_step_transitions st join tasker.workflow_steps s using (workflow_step_uuid)
        where s.task_uuid = any($1::uuid[]) and st.to_state = 'complete') as completes,
      (select count(*)::int from tasker.workflow_step_transitions st join tasker.workflow_steps s using (workflow_step_uuid)
        where s.task_uuid = any($1::uuid[]) and st.to_state = 'enqueued') as enqueues,
      (select count(*)::int from pgmq.a_worker_diamond_workflow_queue where message->>'task_uuid' = any($1::text[])) as messages`,
      [uuids],
    );
    expect(rows[0]).toEqual({ completes: steps, enqueues: steps, messages: steps });
    // a processor counts a result after its transaction returns, which can be after the test sees
    // the task complete: wait for the counts, then check them (once seen, they must be exact)
    await eventually('every result counted', async () => {
      const stale =
        a.metrics.resultsProcessed.get({ outcome: 'stale' }) +
        b.metrics.resultsProcessed.get({ outcome: 'stale' });
      return stale === steps && processedBy.a + processedBy.b >= 2 * steps;
    });
    const completed =
      a.metrics.resultsProcessed.get({ outcome: 'completed' }) +
      b.metrics.resultsProcessed.get({ outcome: 'completed' });
    expect(completed).toBe(steps);
    expect(processedBy.a + processedBy.b).toBe(2 * steps);
    const { rows: left } = await db.pool.query<{ n: number }>(
      'select count(*)::int as n from pgmq.q_orchestration_step_results',
    );
    expect(left[0]?.n).toBe(0);
  });
});

function sleepValue<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
