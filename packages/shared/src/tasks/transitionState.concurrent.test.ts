/**
 * Compare-and-swap under contention: many callers on separate connections race for the same
 * transition; exactly one wins each round. Plus a scripted interleaving of two transactions.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import { transitionStepState, transitionTaskState } from './transitionState.ts';

const db = useTestDatabase();
const CALLERS = 12;
const ROUNDS = 4;
let clients: pg.Client[] = [];

beforeAll(async () => {
  clients = Array.from({ length: CALLERS }, () => new pg.Client({ connectionString: db.connectionString }));
  await Promise.all(clients.map((client) => client.connect()));
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
});

/** Every caller begins, attempts the CAS, holds its locks a moment, and commits. */
async function race(attempt: (client: pg.Client) => Promise<boolean>): Promise<boolean[]> {
  return Promise.all(
    clients.map(async (client) => {
      await client.query('begin');
      try {
        const won = await attempt(client);
        await client.query('select pg_sleep(0.01)');
        await client.query('commit');
        return won;
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    }),
  );
}

describe('concurrent compare-and-swap', () => {
  test(`${CALLERS} callers claiming one step: exactly one wins, ${ROUNDS} rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'a', state: 'enqueued' }] });
      const step = steps.a ?? '';
      const results = await race((client) => transitionStepState(client, step, 'enqueued', 'in_progress'));
      expect(results.filter(Boolean)).toHaveLength(1);
      const { rows } = await db.pool.query(
        `select s.attempts, (select count(*)::int from tasker.workflow_step_transitions t
           where t.workflow_step_uuid = s.workflow_step_uuid and t.to_state = 'in_progress') as current_rows,
           (select count(*)::int from tasker.workflow_step_transitions t
           where t.workflow_step_uuid = s.workflow_step_uuid) as all_rows
         from tasker.workflow_steps s where s.workflow_step_uuid = $1`,
        [step],
      );
      expect(rows[0]).toEqual({ attempts: 1, current_rows: 1, all_rows: 2 });
    }
  });

  test(`${CALLERS} callers enqueueing ready sibling steps of one task: no deadlock, one winner each`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { steps } = await insertTaskGraph(db.pool, {
        state: 'enqueuing_steps',
        steps: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      });
      // every caller enqueues all three, in its own order: the task lock orders them
      const names = ['a', 'b', 'c'];
      const results = await race(async (client) => {
        const order = [...names].sort(() => Math.random() - 0.5);
        let won = false;
        for (const name of order) {
          won = (await transitionStepState(client, steps[name] ?? '', 'pending', 'enqueued')) || won;
        }
        return won;
      });
      expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      const { rows } = await db.pool.query(
        `select count(*)::int as n from tasker.workflow_step_transitions
         where workflow_step_uuid = any($1) and to_state = 'enqueued'`,
        [Object.values(steps)],
      );
      expect(rows[0].n).toBe(3);
    }
  });

  test(`${CALLERS} callers moving one task: exactly one wins, ${ROUNDS} rounds`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { taskUuid } = await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
      const results = await race((client) =>
        transitionTaskState(client, taskUuid, 'pending', 'initializing'),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  test('scripted: B waits for A, then sees A committed and loses', async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'x', state: 'enqueued' }] });
    const step = steps.x ?? '';
    await a.query('begin');
    expect(await transitionStepState(a, step, 'enqueued', 'in_progress')).toBe(true);
    await b.query('begin');
    let bDone = false;
    const bResult = transitionStepState(b, step, 'enqueued', 'in_progress').finally(() => {
      bDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bDone).toBe(false); // blocked on A's row lock
    await a.query('commit');
    expect(await bResult).toBe(false);
    await b.query('commit');
  });

  test('scripted: A rolls back, so B wins', async () => {
    const [a, b] = clients as [pg.Client, pg.Client];
    const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'x', state: 'enqueued' }] });
    const step = steps.x ?? '';
    await a.query('begin');
    expect(await transitionStepState(a, step, 'enqueued', 'in_progress')).toBe(true);
    await b.query('begin');
    const bResult = transitionStepState(b, step, 'enqueued', 'in_progress');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.query('rollback');
    expect(await bResult).toBe(true);
    await b.query('commit');
  });
});
