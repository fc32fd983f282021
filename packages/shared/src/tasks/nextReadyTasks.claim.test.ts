/**
 * tasker.get_next_ready_tasks: which tasks have work, their order (priority with an age boost), the
 * ready_at marker kept by the transition functions, and SKIP LOCKED between two orchestrators.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { StepState } from '../state/transitions.ts';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import { nextReadyTasks } from './nextReadyTasks.ts';
import { transitionStepState } from './transitionState.ts';

const db = useTestDatabase();
let a: pg.Client;
let b: pg.Client;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

beforeAll(async () => {
  a = new pg.Client({ connectionString: db.connectionString });
  b = new pg.Client({ connectionString: db.connectionString });
  await Promise.all([a.connect(), b.connect()]);
});

afterAll(async () => {
  await Promise.all([a.end(), b.end()]);
});

beforeEach(async () => {
  await db.pool.query('delete from tasker.tasks');
});

async function claim(client: pg.Client, limit: number): Promise<string[]> {
  return (await nextReadyTasks(client, limit)).map((task) => task.taskUuid);
}

describe('get_next_ready_tasks', () => {
  test('returns pending tasks and tasks with a ready step, not idle, blocked-on-running or finished ones', async () => {
    const pending = await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
    const ready = await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [
        { name: 'a', state: 'complete' },
        { name: 'b', dependsOn: ['a'] },
      ],
    });
    await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [
        { name: 'a', state: 'in_progress', attempts: 1 },
        { name: 'b', dependsOn: ['a'] },
      ],
    });
    await insertTaskGraph(db.pool, { state: 'complete', steps: [{ name: 'a', state: 'complete' }] });
    await insertTaskGraph(db.pool, {
      state: 'waiting_for_retry',
      steps: [
        { name: 'a', state: 'waiting_for_retry', attempts: 5, maxAttempts: 10, lastFailureAt: new Date() },
      ],
    });
    const claimed = await claim(a, 10);
    expect(claimed.sort()).toEqual([pending.taskUuid, ready.taskUuid].sort());
  });

  test('orders by priority plus one point per 5 minutes of age', async () => {
    const low = await insertTaskGraph(db.pool, { priority: 1, steps: [] });
    const high = await insertTaskGraph(db.pool, { priority: 5, steps: [] });
    const oldLow = await insertTaskGraph(db.pool, { priority: 1, requestedAt: minutesAgo(30), steps: [] });
    const tasks = await nextReadyTasks(a, 10);
    // 1 + 30/5 = 7 beats 5 beats 1
    expect(tasks.map((task) => task.taskUuid)).toEqual([oldLow.taskUuid, high.taskUuid, low.taskUuid]);
    expect(tasks[0]?.computedPriority).toBeCloseTo(7, 1);
    expect(tasks[0]).toMatchObject({ namespaceName: 'test', currentState: 'pending', priority: 1 });
  });

  test('two orchestrators in open transactions never get the same task', async () => {
    for (let i = 0; i < 6; i++) await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
    await a.query('begin');
    await b.query('begin');
    try {
      const first = await claim(a, 4);
      const second = await claim(b, 4);
      expect(first).toHaveLength(4);
      expect(second).toHaveLength(2);
      expect(first.filter((uuid) => second.includes(uuid))).toEqual([]);
      expect(await claim(b, 4)).toEqual(second); // its own locks do not hide tasks from itself
    } finally {
      await a.query('rollback');
      await b.query('rollback');
    }
    await b.query('begin');
    expect(await claim(b, 10)).toHaveLength(6); // released on rollback
    await b.query('rollback');
  });

  test('the marker follows the steps: enqueueing the last ready step removes the task, completing a parent adds it', async () => {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }],
    });
    expect(await claim(a, 5)).toEqual([taskUuid]);
    const move = (name: string, from: StepState, to: StepState) =>
      transitionStepState(db.pool, steps[name] ?? '', from, to);
    await move('a', 'pending', 'enqueued');
    expect(await claim(a, 5)).toEqual([]);
    await move('a', 'enqueued', 'in_progress');
    await move('a', 'in_progress', 'enqueued_for_orchestration');
    expect(await claim(a, 5)).toEqual([]);
    await move('a', 'enqueued_for_orchestration', 'complete');
    expect(await claim(a, 5)).toEqual([taskUuid]);
  });
});
