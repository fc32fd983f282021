/**
 * How the SQL functions grow with the data: the same functions on datasets of 5K and 10K tasks (quick
 * profile), and also 50K and 100K (full profile), each size in its own database. The sizes alternate
 * call by call (sampleInterleaved: `bench.compare` in Vitest 5.1 would run them one after another),
 * so machine drift during the run hits every size alike; each size's latencies and the growth ratio
 * (median at the largest size ÷ median at 5K) come from the same calls, whose rows are checked.
 */
import {
  activeProfile,
  benchSettings,
  createTestDatabase,
  median,
  record,
  SCALING_NAMES,
  sampleInterleaved,
  benchTest as test,
} from '@tasker/bench-kit';
import {
  nextReadyTasks,
  readySteps,
  stepReadiness,
  stepTransitiveDependencies,
  taskExecutionContext,
} from '@tasker/shared';
import {
  type SeededDataset,
  type StratifiedSample,
  seedDataset,
  stratifiedSample,
} from '@tasker/shared/testing';
import pg from 'pg';
import { expect } from 'vitest';

const SIZES = activeProfile() === 'full' ? [5_000, 10_000, 50_000, 100_000] : [5_000, 10_000];
/** Calls per size, the sizes alternating. */
const ALTERNATING_ROUNDS = activeProfile() === 'full' ? 500 : 300;
const label = (size: number) => `${size / 1000}K`;

interface SizedDatabase {
  size: number;
  pool: pg.Pool;
  client: pg.PoolClient;
  dataset: SeededDataset;
  sample: StratifiedSample;
  drop: () => Promise<void>;
}

type Call = (db: SizedDatabase, i: number) => Promise<number>;

/**
 * The functions measured at every size; each returns how many rows it got. `everyCall`: each call
 * must return some (every sampled task has steps and a context; the ready tasks are rolled back);
 * otherwise the calls of a size must return some between them (a root step has no ancestors, a
 * task may have no ready step).
 */
const FUNCTIONS: Record<string, { call: Call; inTransaction?: boolean; everyCall: boolean }> = {
  get_next_ready_tasks: {
    call: async ({ client }) => (await nextReadyTasks(client, 10)).length,
    inTransaction: true,
    everyCall: true,
  },
  get_step_readiness_status: {
    call: async ({ client, sample }, i) =>
      (await stepReadiness(client, pick(sample.tasks, i).taskUuid)).length,
    everyCall: true,
  },
  get_task_execution_context: {
    call: async ({ client, sample }, i) =>
      (await taskExecutionContext(client, pick(sample.tasks, i).taskUuid)) ? 1 : 0,
    everyCall: true,
  },
  get_step_transitive_dependencies: {
    call: async ({ client, sample }, i) =>
      (await stepTransitiveDependencies(client, pick(sample.steps, i).stepUuid)).length,
    everyCall: false,
  },
  'ready steps (enqueuer)': {
    call: async ({ client, sample }, i) =>
      (await readySteps(client, [pick(sample.tasks, i).taskUuid])).length,
    everyCall: false,
  },
};

function pick<T>(items: readonly T[], i: number): T {
  return items[i % items.length] as T;
}

test(`SQL functions at ${SIZES.map(label).join(', ')} tasks`, async ({ task }) => {
  const databases: SizedDatabase[] = [];
  try {
    for (const size of SIZES) {
      const database = await createTestDatabase(`scaling_${label(size)}`);
      const pool = new pg.Pool({ connectionString: database.connectionString, max: 2 });
      pool.on('error', () => undefined);
      const dataset = await seedDataset(pool, { tasks: size });
      console.log(
        `scaling: seeded ${label(size)} tasks (${dataset.steps.toLocaleString('en')} steps) in ${(dataset.seedMs / 1000).toFixed(1)} s`,
      );
      const sample = await stratifiedSample(pool, dataset, { perStratum: 2, seed: 7 });
      const client = await pool.connect();
      databases.push({ size, pool, client, dataset, sample, drop: () => database.drop() });
    }
    const smallest = databases[0] as SizedDatabase;
    const largest = databases.at(-1) as SizedDatabase;
    const warmupRounds = benchSettings('db').warmupIterations;
    for (const [name, { call, inTransaction, everyCall }] of Object.entries(FUNCTIONS)) {
      const rows = new Map<number, number>(databases.map((db) => [db.size, 0]));
      const samples = await sampleInterleaved(
        Object.fromEntries(
          databases.map((db) => {
            let i = 0;
            return [
              label(db.size),
              {
                ...(inTransaction
                  ? {
                      beforeEach: () => db.client.query('begin'),
                      afterEach: () => db.client.query('rollback'),
                    }
                  : {}),
                fn: async () => {
                  const got = await call(db, i++);
                  if (everyCall && got === 0)
                    throw new Error(`${name} returned nothing at ${label(db.size)}`);
                  rows.set(db.size, (rows.get(db.size) ?? 0) + got);
                },
              },
            ];
          }),
        ),
        { rounds: ALTERNATING_ROUNDS, warmupRounds },
      );
      const note = `${ALTERNATING_ROUNDS} calls per size after ${warmupRounds} warm-up rounds, sizes alternating call by call`;
      for (const db of databases) {
        expect(rows.get(db.size), `${name} @ ${label(db.size)}: rows over all calls`).toBeGreaterThan(0);
        await record(task, `${name} @ ${label(db.size)}`, {
          kind: 'latency',
          samplesMs: samples.get(label(db.size)) ?? [],
          note,
        });
      }
      const base = median(samples.get(label(smallest.size)) ?? []);
      const top = median(samples.get(label(largest.size)) ?? []);
      expect(Number.isFinite(top / base) && top / base > 0, `${name} growth ${top} / ${base}`).toBe(true);
      await record(
        task,
        SCALING_NAMES.growth({ fn: name, from: label(smallest.size), to: label(largest.size) }),
        {
          kind: 'growth',
          ratio: top / base,
          from: `${label(smallest.size)} tasks, median ${base.toFixed(3)} ms`,
          to: `${label(largest.size)} tasks, median ${top.toFixed(3)} ms`,
          note,
        },
      );
    }
  } finally {
    for (const db of databases) {
      db.client.release();
      await db.pool.end();
      await db.drop();
    }
  }
});
