/**
 * The state machine: validating a transition in TypeScript (the table in src/state/transitions.ts),
 * one validated step transition in SQL, and contention — 8 callers racing to move the same task,
 * where exactly one may win each round (checked every round; a round with more or fewer winners
 * fails the bench).
 */
import { benchSettings, benchTest as test } from '@tasker/bench-kit';
import {
  isStepTransitionAllowed,
  STEP_STATES,
  type StepState,
  transitionStepState,
  transitionTaskState,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';

const CONTENDERS = 8;

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
  expect(legal).toBeGreaterThan(0);
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
    expect(won).toBeGreaterThan(0);
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
    const settings = benchSettings('db');
    // each round consumes one task (the winner's transition commits)
    const rounds = Math.min(settings.iterations, rows.length - settings.warmupIterations - 1);
    let next = 0;
    let current = '';
    let completedRounds = 0;
    await bench(
      `${CONTENDERS} concurrent task transitions (one round)`,
      {
        beforeEach: () => {
          const row = rows[next++];
          if (!row) throw new Error('ran out of tasks in steps_in_process: seed a larger dataset');
          current = row.id;
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
        completedRounds++;
      },
    ).run({ ...settings, iterations: rounds, time: 0 });
    expect(completedRounds).toBeGreaterThanOrEqual(rounds);
  } finally {
    for (const client of clients) client.release();
  }
});
