/**
 * The SQL functions of the shared core at 5,000 seeded tasks (TASKER_BENCH_TASKS), called the way the
 * services call them (the TypeScript wrappers of src/tasks). Inputs cycle over a stratified sample
 * (template × task state × step depth), so one fast template or state cannot flatter the mean. Each
 * function's plan is captured once with EXPLAIN (ANALYZE, BUFFERS).
 *
 * Claims and transitions write (row locks, new rows), and in autocommit every call would also pay
 * the commit's WAL flush — a disk sync, not the function. The services call them inside a larger
 * transaction, so the targeted benches open a transaction in the bench's beforeEach hook, time the
 * call, and roll back in afterEach (which also leaves the dataset as it was). The same calls in
 * autocommit are reported beside them, without a target, so the cost of a commit stays visible.
 */
import { benchSettings, recordQueryPlan, SQL_FUNCTIONS_NAMES } from '@tasker/bench-kit';
import {
  nextReadyTasks,
  readySteps,
  stepReadiness,
  stepTransitiveDependencies,
  taskExecutionContext,
  transitionStepState,
  transitionTaskState,
} from '@tasker/shared';
import type pg from 'pg';
import { expect, type TestContext } from 'vitest';
import { seededBenchTest as test } from './support/seededBenchTest.ts';

const BATCH_SIZES = [1, 10, 50, 100] as const;
/**
 * An autocommit transition uses up its row (it has moved on). Without time floors tinybench runs
 * exactly warmupIterations + iterations calls (it otherwise runs until both a time and a count are
 * reached), so the rows needed are known before the bench starts.
 */
const autocommitSettings = () => ({ ...benchSettings('db'), iterations: 50, time: 0, warmupTime: 0 });
const autocommitCalls = () => autocommitSettings().warmupIterations + autocommitSettings().iterations;

/** Round-robin over a non-empty list. */
function cycle<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('cannot cycle over an empty sample');
  let i = 0;
  return () => items[i++ % items.length] as T;
}

async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** Bench hooks that time the call inside a transaction and roll it back, untimed. */
function inRolledBackTransaction(client: pg.PoolClient, before?: () => void) {
  return {
    beforeEach: async () => {
      before?.();
      await client.query('begin');
    },
    afterEach: async () => {
      await client.query('rollback');
    },
  };
}

test('get_next_ready_tasks at batch sizes 1, 10, 50, 100', async ({ bench, db, dataset, task }) => {
  expect(dataset.tasks).toBeGreaterThan(0);
  await withClient(db.pool, async (client) => {
    await recordQueryPlan(
      task,
      'plan: get_next_ready_tasks (batch 10)',
      client,
      'select * from tasker.get_next_ready_tasks($1)',
      [10],
    );
    for (const size of BATCH_SIZES) {
      const counts = new Set<number>();
      await bench(
        SQL_FUNCTIONS_NAMES.nextReadyTasks({ batch: size }),
        inRolledBackTransaction(client),
        async () => {
          counts.add((await nextReadyTasks(client, size)).length);
        },
      ).run(benchSettings('db'));
      // each call started from the same state (the one before was rolled back): every call returned
      // the same number of tasks, some (tasks with work exist in the dataset), at most the batch
      expect(counts.size, `batch ${size}: distinct counts ${[...counts].join(', ')}`).toBe(1);
      const [returned = 0] = counts;
      expect(returned).toBeGreaterThan(0);
      expect(returned).toBeLessThanOrEqual(size);
    }
    let autocommitReturned = 0;
    await bench('get_next_ready_tasks (batch 10, autocommit incl. commit)', async () => {
      autocommitReturned += (await nextReadyTasks(client, 10)).length;
    }).run(benchSettings('db'));
    expect(autocommitReturned).toBeGreaterThan(0);
  });
});

test('get_step_readiness_status over the sampled tasks', async ({ bench, db, sample, task }) => {
  const nextTask = cycle(sample.tasks);
  await withClient(db.pool, async (client) => {
    await recordQueryPlan(
      task,
      'plan: get_step_readiness_status',
      client,
      'select * from tasker.get_step_readiness_status($1)',
      [sample.tasks[0]?.taskUuid],
    );
    let calls = 0;
    let answered = 0;
    await bench('get_step_readiness_status', async () => {
      calls++;
      // every task has steps, so every call answers with one row or more
      if ((await stepReadiness(client, nextTask().taskUuid)).length > 0) answered++;
    }).run(benchSettings('db'));
    expect(answered).toBe(calls);
  });
});

test('get_task_execution_context over the sampled tasks', async ({ bench, db, sample, task }) => {
  const nextTask = cycle(sample.tasks);
  await withClient(db.pool, async (client) => {
    await recordQueryPlan(
      task,
      'plan: get_task_execution_context',
      client,
      'select * from tasker.get_task_execution_context($1)',
      [sample.tasks[0]?.taskUuid],
    );
    let calls = 0;
    let found = 0;
    await bench('get_task_execution_context', async () => {
      calls++;
      if (await taskExecutionContext(client, nextTask().taskUuid)) found++;
    }).run(benchSettings('db'));
    // every sampled task exists, so every call found its context
    expect(found).toBe(calls);
  });
});

test('get_step_transitive_dependencies over the sampled steps', async ({ bench, db, sample, task }) => {
  // depth 0 steps have no ancestors; the sample covers every depth, so the mean spans 0 to 3 hops
  const nextStep = cycle(sample.steps);
  await withClient(db.pool, async (client) => {
    const deepest = [...sample.steps].sort((a, b) => b.depth - a.depth)[0];
    await recordQueryPlan(
      task,
      'plan: get_step_transitive_dependencies',
      client,
      'select * from tasker.get_step_transitive_dependencies($1)',
      [deepest?.stepUuid],
    );
    let ancestors = 0;
    await bench('get_step_transitive_dependencies', async () => {
      ancestors += (await stepTransitiveDependencies(client, nextStep().stepUuid)).length;
    }).run(benchSettings('db'));
    expect(ancestors).toBeGreaterThan(0);
  });
});

test('ready-step discovery of the enqueuer over the sampled tasks', async ({ bench, db, sample, task }) => {
  const nextTask = cycle(sample.tasks);
  await withClient(db.pool, async (client) => {
    await recordQueryPlan(
      task,
      'plan: ready steps (enqueuer)',
      client,
      'select * from tasker.get_ready_steps($1::uuid[])',
      [sample.tasks.slice(0, 10).map((sampled) => sampled.taskUuid)],
    );
    let ready = 0;
    await bench('ready steps (enqueuer)', async () => {
      ready += (await readySteps(client, [nextTask().taskUuid])).length;
    }).run(benchSettings('db'));
    expect(ready).toBeGreaterThan(0);
  });
});

/** Ids of rows in a given state, for the transition benches to cycle over. */
async function idsInState(
  client: pg.PoolClient,
  table: 'tasks' | 'workflow_steps',
  state: string,
): Promise<string[]> {
  const column = table === 'tasks' ? 'task_uuid' : 'workflow_step_uuid';
  const { rows } = await client.query<{ id: string }>(
    `select ${column} as id from tasker.${table} where current_state = $1 order by ${column}`,
    [state],
  );
  return rows.map((row) => row.id);
}

/** One compare-and-swap transition, benched inside a rolled-back transaction and in autocommit. */
type TransitionBench = {
  fn: 'transition_task_state_atomic' | 'transition_step_state_atomic';
  table: 'tasks' | 'workflow_steps';
  from: string;
  to: string;
  /** the call under test: shared's wrapper moving `id` from → to */
  transition: (client: pg.PoolClient, id: string) => Promise<boolean>;
};

async function benchTransition(
  { bench, task }: Pick<TestContext, 'bench' | 'task'>,
  client: pg.PoolClient,
  { fn, table, from, to, transition }: TransitionBench,
): Promise<void> {
  const ids = await idsInState(client, table, from);
  const nextId = cycle(ids);
  let current = nextId();
  await recordQueryPlan(task, `plan: ${fn}`, client, `select tasker.${fn}($1, $2, $3, $4)`, [
    current,
    from,
    to,
    '{}',
  ]);
  let won = 0;
  let lost = 0;
  const count = (result: boolean) => (result ? won++ : lost++);
  await bench(
    fn,
    inRolledBackTransaction(client, () => {
      current = nextId();
    }),
    async () => {
      count(await transition(client, current));
    },
  ).run(benchSettings('db'));
  // each iteration starts from the right state (the previous one was rolled back), so each wins
  expect(won).toBeGreaterThan(0);
  expect(lost).toBe(0);
  // autocommit: the transition commits (each row used once, then it has moved on)
  expect(ids.length).toBeGreaterThanOrEqual(autocommitCalls());
  won = 0;
  lost = 0;
  await bench(
    `${fn} (autocommit incl. commit)`,
    {
      beforeEach: () => {
        current = nextId();
      },
    },
    async () => {
      count(await transition(client, current));
    },
  ).run(autocommitSettings());
  // each call moved a row of its own, and committed: exactly that many rows have moved on
  expect({ won, lost }).toEqual({ won: autocommitCalls(), lost: 0 });
  expect(await idsInState(client, table, from)).toHaveLength(ids.length - won);
}

test('transition_task_state_atomic: steps_in_process → evaluating_results', async ({
  bench,
  db,
  dataset,
  task,
}) => {
  expect(dataset.taskStates.steps_in_process ?? 0).toBeGreaterThan(0);
  await withClient(db.pool, (client) =>
    benchTransition({ bench, task }, client, {
      fn: 'transition_task_state_atomic',
      table: 'tasks',
      from: 'steps_in_process',
      to: 'evaluating_results',
      transition: (c, id) => transitionTaskState(c, id, 'steps_in_process', 'evaluating_results'),
    }),
  );
});

test('transition_step_state_atomic: pending → enqueued', async ({ bench, db, dataset, task }) => {
  expect(dataset.stepStates.pending ?? 0).toBeGreaterThan(0);
  await withClient(db.pool, (client) =>
    benchTransition({ bench, task }, client, {
      fn: 'transition_step_state_atomic',
      table: 'workflow_steps',
      from: 'pending',
      to: 'enqueued',
      transition: (c, id) => transitionStepState(c, id, 'pending', 'enqueued'),
    }),
  );
});
