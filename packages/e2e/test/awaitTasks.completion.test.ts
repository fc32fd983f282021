/**
 * awaitTasksComplete (the load benches' wait for a batch): resolves when every task of the batch is
 * complete, whether it finished before or after the wait began; rejects at once naming a task that
 * ended in error; times out saying how many completed.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence, type WorkflowTemplate } from '@tasker/shared';
import { TEST_HANDLERS } from '@tasker/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { awaitTasksComplete, createTasks, startSystem, type TaskerSystem } from '../src/index.ts';

const failing: WorkflowTemplate = {
  namespace: 'await_failing',
  name: 'fails_at_once',
  version: '1.0.0',
  steps: [{ name: 'only', handler: 'fail', dependencies: [], retry: { retryable: false, max_attempts: 1 } }],
};

const db = useTestDatabase();
let system: TaskerSystem;

beforeAll(async () => {
  system = await startSystem({
    connectionString: db.connectionString,
    templates: [failing],
    handlers: TEST_HANDLERS,
    workers: 0,
  });
});
afterAll(async () => {
  await system?.stop();
});

test('resolves once every task completed, counting those done before the wait began', async () => {
  const early = await createTasks(system, mathematicalSequence, 5);
  const workers = await system.startWorkers(1);
  try {
    await awaitTasksComplete(db.pool, db.connectionString, early, { timeoutMs: 20_000 });
    const late = await createTasks(system, mathematicalSequence, 20);
    // the first five are long complete: the poll counts them, notifications the rest
    await awaitTasksComplete(db.pool, db.connectionString, [...early, ...late], { timeoutMs: 20_000 });
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from tasker.tasks where task_uuid = any($1::uuid[]) and current_state = 'complete'`,
      [[...early, ...late]],
    );
    expect(rows[0]?.n).toBe(25);
  } finally {
    await workers.stop();
  }
});

test('rejects naming a task that ended in error', async () => {
  const [failed] = await createTasks(system, failing, 1);
  const workers = await system.startWorkers(1);
  try {
    await expect(
      awaitTasksComplete(db.pool, db.connectionString, [failed ?? ''], { timeoutMs: 20_000 }),
    ).rejects.toThrow(`task ${failed} ended error, not complete`);
  } finally {
    await workers.stop();
  }
});

test('times out saying how many completed', async () => {
  const [pending] = await createTasks(system, mathematicalSequence, 1); // no worker runs it
  await expect(
    awaitTasksComplete(db.pool, db.connectionString, [pending ?? ''], {
      timeoutMs: 300,
      pollIntervalMs: 100,
    }),
  ).rejects.toThrow('0/1 tasks complete after 300 ms');
});
