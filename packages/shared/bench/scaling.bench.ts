/**
 * How the SQL functions grow with the data: the same functions on datasets of 5K and 10K tasks (quick
 * profile), and also 50K and 100K (full profile), each size in its own database. The absolute figures
 * come from bench.compare, which in Vitest 5.1 runs the sizes one after another; the growth ratio
 * (median at the largest size ÷ median at 5K) comes from a separate loop that alternates the sizes
 * call by call, so machine drift during the run hits every size alike.
 */
import {
  activeProfile,
  benchSettings,
  createTestDatabase,
  median,
  record,
  type SeededDataset,
  type StratifiedSample,
  seedDataset,
  stratifiedSample,
  benchTest as test,
} from '@tasker/bench-kit';
import {
  nextReadyTasks,
  readySteps,
  stepReadiness,
  stepTransitiveDependencies,
  taskExecutionContext,
} from '@tasker/shared';
import pg from 'pg';
import { expect } from 'vitest';

const SIZES = activeProfile() === 'full' ? [5_000, 10_000, 50_000, 100_000] : [5_000, 10_000];
/** Calls per size in the alternating loop that gives the growth ratio. */
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

/** The functions measured at every size; each returns how many rows it got (consumed, and checked). */
const FUNCTIONS: Record<string, { call: Call; inTransaction?: boolean }> = {
  get_next_ready_tasks: {
    call: async ({ client }) => (await nextReadyTasks(client, 10)).length,
    inTransaction: true,
  },
  get_step_readiness_status: {
    call: async ({ client, sample }, i) =>
      (await stepReadiness(client, pick(sample.tasks, i).taskUuid)).length,
  },
  get_task_execution_context: {
    call: async ({ client, sample }, i) =>
      (await taskExecutionContext(client, pick(sample.tasks, i).taskUuid)) ? 1 : 0,
  },
  get_step_transitive_dependencies: {
    call: async ({ client, sample }, i) =>
      (await stepTransitiveDependencies(client, pick(sample.steps, i).stepUuid)).length + 1,
  },
  'ready steps (enqueuer)': {
    call: async ({ client, sample }, i) =>
      (await readySteps(client, [pick(sample.tasks, i).taskUuid])).length + 1,
  },
};

function pick<T>(items: readonly T[], i: number): T {
  return items[i % items.length] as T;
}

test(`SQL functions at ${SIZES.map(label).join(', ')} tasks`, async ({ bench, task }) => {
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
    for (const [name, { call, inTransaction }] of Object.entries(FUNCTIONS)) {
      const results = await bench.compare(
        ...databases.map((db) => {
          let i = 0;
          let rows = 0;
          const hooks = inTransaction
            ? {
                beforeEach: () => db.client.query('begin').then(() => undefined),
                afterEach: () => db.client.query('rollback').then(() => undefined),
              }
            : {};
          return bench(`${name} @ ${label(db.size)}`, hooks, async () => {
            rows += await call(db, i++);
            if (rows === 0) throw new Error(`${name} returned nothing at ${label(db.size)}`);
          });
        }),
        benchSettings('db'),
      );
      expect(results.get(`${name} @ ${label(smallest.size)}`).latency.samplesCount).toBeGreaterThan(0);
      // growth: the sizes alternate call by call (A B A B …), medians compared
      const samples = new Map<number, number[]>(databases.map((db) => [db.size, []]));
      for (let round = 0; round < ALTERNATING_ROUNDS; round++) {
        for (const db of databases) {
          if (inTransaction) await db.client.query('begin');
          const started = performance.now();
          await call(db, round);
          samples.get(db.size)?.push(performance.now() - started);
          if (inTransaction) await db.client.query('rollback');
        }
      }
      const base = median(samples.get(smallest.size) ?? []);
      const top = median(samples.get(largest.size) ?? []);
      expect(base).toBeGreaterThan(0);
      await record(task, `${name} growth ${label(smallest.size)} → ${label(largest.size)}`, {
        kind: 'growth',
        ratio: top / base,
        from: `${label(smallest.size)} tasks, median ${base.toFixed(3)} ms`,
        to: `${label(largest.size)} tasks, median ${top.toFixed(3)} ms`,
        note: `${ALTERNATING_ROUNDS} calls per size, sizes alternating call by call`,
      });
    }
  } finally {
    for (const db of databases) {
      db.client.release();
      await db.pool.end();
      await db.drop();
    }
  }
});
