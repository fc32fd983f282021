/**
 * A step whose handler keeps failing is retried up to its max_attempts, then errors, and the task
 * ends in error: the audit trail shows each attempt, the retry wait between them, and the end.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { TaskFailedError } from '@tasker/client';
import type { WorkflowTemplate } from '@tasker/shared';
import { TEST_HANDLERS } from '@tasker/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type TaskerSystem } from '../src/index.ts';

const failing: WorkflowTemplate = {
  namespace: 'failing_workflow',
  name: 'always_fails',
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

beforeAll(async () => {
  system = await startSystem({
    connectionString: db.connectionString,
    templates: [failing],
    handlers: TEST_HANDLERS,
  });
});
afterAll(async () => {
  await system?.stop();
});

test('a failing step is retried, then errors the task', async () => {
  const created = await system.client.createTask({
    namespace: failing.namespace,
    name: failing.name,
    context: {},
    identity_strategy: 'always_unique',
  });
  const uuid = created.task.task_uuid;
  const failure = await system.client.waitForCompletion(uuid, { timeoutMs: 20_000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TaskFailedError);
  expect(failure).toMatchObject({ failedStep: { name: 'flaky', attempts: 2 } });

  const task = await system.client.getTask(uuid);
  expect(task.state).toBe('error');
  const steps = await system.client.listSteps(uuid);
  expect(steps.map((s) => [s.name, s.state, s.attempts])).toEqual([
    ['first', 'complete', 1],
    ['flaky', 'error', 2],
  ]);
  const { rows } = await db.pool.query<{ from_state: string | null; to_state: string }>(
    `select t.from_state, t.to_state from tasker.workflow_step_transitions t
     join tasker.workflow_steps s using (workflow_step_uuid)
     join tasker.named_steps n using (named_step_uuid)
     where s.task_uuid = $1 and n.name = 'flaky' order by t.sort_key`,
    [uuid],
  );
  const trail = rows.map((row) => row.to_state);
  expect(trail.filter((state) => state === 'in_progress')).toHaveLength(2);
  expect(trail.filter((state) => state === 'enqueued_as_error_for_orchestration')).toHaveLength(2);
  expect(trail.filter((state) => state === 'waiting_for_retry')).toHaveLength(1);
  expect(trail.at(-1)).toBe('error');
  expect(system.errors).toEqual([]);
});
