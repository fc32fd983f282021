/**
 * The state machine: validating a transition in TypeScript (the table in src/state/transitions.ts),
 * one validated step transition in SQL, and contention — 8 callers racing to move the same task,
 * where exactly one may win each round (checked every round; a round with more or fewer winners
 * fails the bench).
 */
import { benchSettings } from '@tasker/bench-kit';
import {
  isStepTransitionAllowed,
  STEP_STATES,
  STEP_TRANSITIONS,
  type StepState,
  type TaskState,
  transitionStepState,
  transitionTaskState,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';
import { seededBenchTest as test } from './support/seededBenchTest.ts';

const CONTENDERS = 8;
/** How a contended task goes back to steps_in_process after its round: legal moves only. */
const RESTORE_PATH: ReadonlyArray<readonly [TaskState, TaskState]> = [
  ['evaluating_results', 'enqueuing_steps'],
  ['enqueuing_steps', 'steps_in_process'],
];

test('TypeScript transition validation', async ({ bench }) => {
  const pairs: [StepState, StepState][] = STEP_STATES.flatMap((from) =>
    STEP_STATES.map((to): [StepState, StepState] => [from, to]),
  );
  // a local binding: Vite's module runner turns imported bindings into getters, which would be
  // timed on every call of a microsecond-scale function
  const allowed = isStepTransitionAllowed;
  let i = 0;
  let legal = 0;
  await bench('validate step transition (TS table)', () => {
    const [from, to] = pairs[i++ % pairs.length] as [StepState, StepState];
    if (allowed(from, to)) legal++;
  }).run(benchSettings('micro'));
  // every answer agreed with the table: the calls covered `i` pairs, cycling over all of them
  const isLegal = pairs.map(([from, to]) => STEP_TRANSITIONS[from].includes(to));
  const legalPerCycle = isLegal.filter(Boolean).length;
  const rest = isLegal.slice(0, i % pairs.length).filter(Boolean).length;
  expect(legalPerCycle).toBeGreaterThan(0);
  expect(legal).toBe(Math.floor(i / pairs.length) * legalPerCycle + rest);
});

test('one step transition: validated in TS, applied by the SQL CAS', async ({ bench, db, dataset }) => {
  expect(dataset.stepStates.pending ?? 0).toBeGreaterThan(0);
  const client = await db.pool.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      "select workflow_step_uuid as id from tasker.workflow_steps where current_state = 'pending' order by 1",
    );
    let i = 0;
    let current = '';
    let won = 0;
    await bench(
      'step transition pending → enqueued (TS check + SQL CAS, in a transaction)',
      {
        beforeEach: async () => {
          current = rows[i++ % rows.length]?.id as string;
          await client.query('begin');
        },
        afterEach: async () => {
          await client.query('rollback');
        },
      },
      async () => {
        if (!isStepTransitionAllowed('pending', 'enqueued'))
          throw new Error('pending → enqueued must be legal');
        if (await transitionStepState(client, current, 'pending', 'enqueued')) won++;
      },
    ).run(benchSettings('db'));
    // each call started from pending (the one before it was rolled back), so each won; and the
    // rollbacks left every step pending
    expect(won).toBe(i);
    const { rows: after } = await client.query<{ n: number }>(
      "select count(*)::int as n from tasker.workflow_steps where current_state = 'pending'",
    );
    expect(after[0]?.n).toBe(rows.length);
  } finally {
    client.release();
  }
});

test(`contention: ${CONTENDERS} callers move one task, exactly one wins per round`, async ({
  bench,
  db,
  dataset,
}) => {
  expect(dataset.taskStates.steps_in_process ?? 0).toBeGreaterThan(0);
  const clients: pg.PoolClient[] = [];
  try {
    for (let n = 0; n < CONTENDERS; n++) clients.push(await db.pool.connect());
    const { rows } = await db.pool.query<{ id: string }>(
      "select task_uuid as id from tasker.tasks where current_state = 'steps_in_process' order by 1",
    );
    const ids = rows.map((row) => row.id);
    const wins = async () =>
      (
        await db.pool.query<{ n: number }>(
          `select count(*)::int as n from tasker.task_transitions
           where task_uuid = any($1::uuid[]) and from_state = 'steps_in_process' and to_state = 'evaluating_results'`,
          [ids],
        )
      ).rows[0]?.n ?? Number.NaN;
    const winsBefore = await wins();
    const restorer = clients[0] as pg.PoolClient;
    let next = 0;
    let current = '';
    let rounds = 0;
    // A round's winner commits steps_in_process → evaluating_results. afterEach takes the task back
    // along the machine's own path (→ enqueuing_steps → steps_in_process, untimed), so no round
    // uses up a task: tinybench warms up until both a time and a count are reached, and the
    // rounds it runs could not be known up front to size a list of tasks by.
    await bench(
      `${CONTENDERS} concurrent task transitions (one round)`,
      {
        beforeEach: () => {
          current = (rows[next++ % rows.length] as { id: string }).id;
        },
        afterEach: async () => {
          for (const [from, to] of RESTORE_PATH)
            if (!(await transitionTaskState(restorer, current, from, to)))
              throw new Error(`task ${current}: could not move it back ${from} → ${to}`);
        },
      },
      async () => {
        const results = await Promise.all(
          clients.map((client) =>
            transitionTaskState(client, current, 'steps_in_process', 'evaluating_results'),
          ),
        );
        const winners = results.filter(Boolean).length;
        if (winners !== 1)
          throw new Error(`round on task ${current}: ${winners} winners, expected exactly 1`);
        rounds++;
      },
    ).run(benchSettings('db'));
    // rounds counts warm-up rounds too: each committed exactly one transition, and every task is
    // back where it started
    expect(rounds).toBeGreaterThanOrEqual(benchSettings('db').iterations);
    expect((await wins()) - winsBefore).toBe(rounds);
    const { rows: after } = await db.pool.query<{ state: string; n: number }>(
      `select current_state as state, count(*)::int as n from tasker.tasks
       where task_uuid = any($1::uuid[]) group by 1`,
      [ids],
    );
    expect(after).toEqual([{ state: 'steps_in_process', n: ids.length }]);
  } finally {
    for (const client of clients) client.release();
  }
});
