/**
 * The inline result hand-off (worker option resultHandoff: 'inline', migration 000017): every
 * built-in template completes with the predicted results without a single message on
 * orchestration_step_results; each step's audit trail still passes through
 * enqueued_for_orchestration; a failing step retries with backoff and then errors the task; and a
 * diamond's two branches finishing together enqueue the join exactly once (the task row serialises
 * them, as in orchestration).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { TaskFailedError } from '@tasker/client';
import { BUILTIN_TEMPLATES, expectedResults, type WorkflowTemplate } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTasks, startSystem, type TaskerSystem } from '../src/index.ts';

const failing: WorkflowTemplate = {
  namespace: 'inline_failing',
  name: 'fails_twice',
  version: '1.0.0',
  steps: [
    { name: 'first', handler: 'noop', dependencies: [], retry: { retryable: true, max_attempts: 1 } },
    {
      name: 'flaky',
      handler: 'fail',
      dependencies: ['first'],
      retry: { retryable: true, max_attempts: 2, backoff_seconds: 0 },
    },
  ],
};

const db = useTestDatabase();
let system: TaskerSystem;

async function resultMessagesEver(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `select ((select count(*) from pgmq.q_orchestration_step_results)
           + (select count(*) from pgmq.a_orchestration_step_results))::int as n`,
  );
  return rows[0]?.n ?? -1;
}

beforeAll(async () => {
  system = await startSystem({
    connectionString: db.connectionString,
    templates: [failing],
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
      const context = { even_number: 4 };
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
      const { rows } = await db.pool.query<{ trail: string[] }>(
        `select array_agg(t.to_state order by t.sort_key) as trail
       from tasker.workflow_step_transitions t join tasker.workflow_steps s using (workflow_step_uuid)
       where s.task_uuid = $1 group by s.workflow_step_uuid`,
        [created.task.task_uuid],
      );
      for (const { trail } of rows)
        expect(trail).toEqual([
          'pending',
          'enqueued',
          'in_progress',
          'enqueued_for_orchestration',
          'complete',
        ]);
      expect(await resultMessagesEver()).toBe(0);
    });
  },
);

test('a failing step retries, then errors the task', async () => {
  const created = await system.client.createTask({
    namespace: failing.namespace,
    name: failing.name,
    context: {},
    identity_strategy: 'always_unique',
  });
  const failure = await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: 20_000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TaskFailedError);
  expect(failure).toMatchObject({ failedStep: { name: 'flaky', attempts: 2 } });
  const steps = await system.client.listSteps(created.task.task_uuid);
  expect(steps.map((s) => [s.name, s.state, s.attempts])).toEqual([
    ['first', 'complete', 1],
    ['flaky', 'error', 2],
  ]);
});

test('many diamonds at once: each join step enqueued and executed exactly once', async () => {
  const diamond = BUILTIN_TEMPLATES.find((template) => template.name === 'diamond_pattern');
  if (!diamond) throw new Error('no diamond_pattern template');
  const uuids = await createTasks(system, diamond, 60);
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
  expect(await resultMessagesEver()).toBe(0);
  expect(system.errors).toEqual([]);
});
