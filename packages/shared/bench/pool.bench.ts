/**
 * Connection pools: how long acquiring a connection from a pg Pool of 10 takes at concurrency 1, 10
 * and 50; what exhaustion looks like (callers queue in FIFO order, then fail with pg-pool's timeout
 * error once `connectionTimeoutMillis` passes); and the project's two drivers, `pg` and `postgres`
 * (porsager), side by side on the hot SQL calls.
 *
 * The runtime uses `pg`: the services, PgEventListener (LISTEN on a dedicated pg.Client) and every
 * SQL wrapper in @tasker/shared take a pg client or pool, so one driver carries pooling, typed errors
 * (DatabaseError.code → TaskerError) and notifications. The driver comparison below records why that
 * choice costs nothing: a one-connection call is the server's time plus a few µs of driver, and
 * neither driver wins consistently across runs on these machines, so a second driver in the runtime
 * would buy no reliable speed for a second connection stack. The two alternate call by call
 * (sampleInterleaved), as `bench.compare` in Vitest 5.1 would run one after the other.
 */
import {
  benchSettings,
  median,
  queueLength,
  record,
  recordContext,
  sampleInterleaved,
} from '@tasker/bench-kit';
import pg from 'pg';
import postgres from 'postgres';
import { expect } from 'vitest';
import { seededBenchTest as test } from './support/seededBenchTest.ts';

const POOL_SIZE = 10;
const CONCURRENCY = [1, 10, 50] as const;
/** what each caller does while it holds a connection */
const HOLD_QUERY = 'select 1';
/** the most acquisition waits kept per bench (enough for p99, small enough to report) */
const MAX_WAIT_SAMPLES = 10_000;
/** exhaustion: callers beyond the pool, how long they may wait, when some connections come back */
const EXHAUSTION_CALLERS = 20;
const EXHAUSTION_TIMEOUT_MS = 250;
const EXHAUSTION_RELEASE_AFTER_MS = 100;
const EXHAUSTION_RELEASED = 5;
const DRIVER_QUEUE = 'bench_driver';
const MESSAGE = { task_uuid: '0192f1e2-0000-7000-8000-000000000001', step_uuid: 's', correlation_id: 'c' };

const newPool = (connectionString: string, options: pg.PoolConfig = {}) => {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE, ...options });
  pool.on('error', () => undefined);
  return pool;
};

/** Opens every connection of the pool up front, so acquisition never includes a connect. */
async function warm(pool: pg.Pool): Promise<void> {
  const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
  for (const client of clients) client.release();
}

test('acquisition latency at concurrency 1, 10, 50 (pool of 10)', async ({ bench, db, task }) => {
  const pool = newPool(db.connectionString);
  try {
    await warm(pool);
    for (const concurrency of CONCURRENCY) {
      const waits: number[] = [];
      let peakWaiting = 0;
      let rounds = 0;
      let served = 0;
      const caller = async () => {
        const asked = performance.now();
        const client = await pool.connect();
        if (waits.length < MAX_WAIT_SAMPLES) waits.push(performance.now() - asked);
        try {
          await client.query(HOLD_QUERY);
          served++;
        } finally {
          client.release();
        }
      };
      const result = await bench(
        `${concurrency} concurrent callers: acquire + ${HOLD_QUERY} + release`,
        {
          // waits of the measured phase only (this hook also runs before the warm-up)
          beforeAll: () => {
            waits.length = 0;
          },
        },
        async () => {
          const callers = Array.from({ length: concurrency }, caller);
          peakWaiting = Math.max(peakWaiting, pool.waitingCount);
          await Promise.all(callers);
          rounds++;
        },
      ).run(benchSettings('db'));
      expect(result.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('db').iterations);
      // every caller of every round (warm-up included) got a connection and ran its query; the pool
      // never grew past its size, and beyond it callers queued
      expect(served).toBe(rounds * concurrency);
      expect(pool.totalCount).toBeLessThanOrEqual(POOL_SIZE);
      if (concurrency > POOL_SIZE) expect(peakWaiting).toBeGreaterThan(0);
      await record(task, `acquire wait (concurrency ${concurrency})`, {
        kind: 'latency',
        samplesMs: waits,
        note: `time from pool.connect() to a client, ${waits.length} acquisitions; at most ${peakWaiting} callers were queued at once (pool of ${POOL_SIZE}, connections opened beforehand)`,
      });
    }
  } finally {
    await pool.end();
  }
});

test('exhaustion: callers queue, then time out with a clear error', async ({ db, task }) => {
  const pool = newPool(db.connectionString, { connectionTimeoutMillis: EXHAUSTION_TIMEOUT_MS });
  try {
    const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
    const started = performance.now();
    // a served caller keeps its connection until the end, so each returned one serves exactly one caller
    const outcomes = Array.from({ length: EXHAUSTION_CALLERS }, async (_, i) => {
      try {
        const client = await pool.connect();
        held.push(client);
        return { i, state: 'served' as const, waited: performance.now() - started };
      } catch (error) {
        return { i, state: 'failed' as const, waited: performance.now() - started, error };
      }
    });
    const waiting = pool.waitingCount;
    await new Promise((resolve) => setTimeout(resolve, EXHAUSTION_RELEASE_AFTER_MS));
    for (const client of held.splice(0, EXHAUSTION_RELEASED)) client.release();
    const results = await Promise.all(outcomes);
    for (const client of held.splice(0)) client.release();

    const served = results.filter((r) => r.state === 'served');
    const failed = results.filter((r) => r.state === 'failed');
    expect(waiting).toBe(EXHAUSTION_CALLERS);
    // FIFO: the connections that came back went to the first callers in the queue
    expect(served.map((r) => r.i)).toEqual([...Array(EXHAUSTION_RELEASED).keys()]);
    expect(failed).toHaveLength(EXHAUSTION_CALLERS - EXHAUSTION_RELEASED);
    for (const f of failed) {
      expect(f.error).toBeInstanceOf(Error);
      expect((f.error as Error).message).toBe('timeout exceeded when trying to connect');
      expect(f.waited).toBeGreaterThanOrEqual(EXHAUSTION_TIMEOUT_MS - 5);
    }
    await record(task, 'exhaustion: queued callers', {
      kind: 'value',
      value: waiting,
      unit: 'callers',
      note: `${POOL_SIZE} connections held, ${EXHAUSTION_CALLERS} more callers: all queued (pool.waitingCount)`,
    });
    await record(task, 'exhaustion: wait of callers served', {
      kind: 'value',
      value: median(served.map((r) => r.waited)),
      unit: 'ms',
      note: `${EXHAUSTION_RELEASED} connections came back after ${EXHAUSTION_RELEASE_AFTER_MS} ms and went to the first ${EXHAUSTION_RELEASED} callers in order (median wait)`,
    });
    await record(task, 'exhaustion: time to timeout error', {
      kind: 'value',
      value: median(failed.map((r) => r.waited)),
      unit: 'ms',
      note: `the other ${failed.length} callers failed with Error("timeout exceeded when trying to connect") after connectionTimeoutMillis=${EXHAUSTION_TIMEOUT_MS} (median)`,
    });
  } finally {
    await pool.end();
  }
});

test('drivers: pg vs postgres on the hot SQL calls', async ({ db, sample, task }) => {
  const tasks = sample.tasks.map((t) => t.taskUuid);
  expect(tasks.length).toBeGreaterThan(0);
  const client = new pg.Client({ connectionString: db.connectionString });
  const sql = postgres(db.connectionString, { max: 1, onnotice: () => undefined });
  await client.connect();
  try {
    await client.query('select pgmq.create($1)', [DRIVER_QUEUE]);
    const message = JSON.stringify(MESSAGE);
    let i = 0;
    let j = 0;
    const readiness = 'select * from tasker.get_step_readiness_status($1::uuid)';
    const send = 'select pgmq.send($1, $2::jsonb) as id';
    // both drivers use a prepared (named) statement per query, as the runtime's hot calls do
    const calls = [
      [
        'get_step_readiness_status',
        () => client.query({ name: 'bench_readiness', text: readiness, values: [tasks[i++ % tasks.length]] }),
        () => sql.unsafe(readiness, [tasks[j++ % tasks.length] ?? ''], { prepare: true }),
      ],
      [
        'pgmq send',
        () => client.query({ name: 'bench_send', text: send, values: [DRIVER_QUEUE, message] }),
        () => sql.unsafe(send, [DRIVER_QUEUE, message], { prepare: true }),
      ],
    ] as const;
    const settings = benchSettings('db');
    let sends = 0;
    const ratios: string[] = [];
    for (const [name, viaPg, viaPostgres] of calls) {
      const samples = await sampleInterleaved(
        {
          pg: async () => {
            const result = await viaPg();
            if (result.rows.length === 0) throw new Error(`pg: ${name} returned no rows`);
          },
          postgres: async () => {
            const rows = await viaPostgres();
            if (rows.length === 0) throw new Error(`postgres: ${name} returned no rows`);
          },
        },
        { rounds: settings.iterations, warmupRounds: settings.warmupIterations },
      );
      if (name === 'pgmq send') sends += 2 * (settings.iterations + settings.warmupIterations);
      const pgMs = samples.get('pg') ?? [];
      const postgresMs = samples.get('postgres') ?? [];
      const note = `${pgMs.length} calls each after ${settings.warmupIterations} warm-up rounds, the drivers alternating call by call; one connection each, prepared statements`;
      await record(task, `pg: ${name}`, { kind: 'latency', samplesMs: pgMs, note });
      await record(task, `postgres: ${name}`, { kind: 'latency', samplesMs: postgresMs, note });
      const ratio = median(postgresMs) / median(pgMs);
      expect(Number.isFinite(ratio) && ratio > 0, `postgres / pg = ${ratio}`).toBe(true);
      ratios.push(`${name} ${ratio.toFixed(2)}x`);
      await record(task, `postgres / pg median latency: ${name}`, {
        kind: 'value',
        value: ratio,
        unit: 'x',
        note: `median pg ${median(pgMs).toFixed(3)} ms, postgres ${median(postgresMs).toFixed(3)} ms, alternating call by call (above 1: pg is faster)`,
      });
    }
    // every send of either driver reached the queue
    expect(await queueLength(client, DRIVER_QUEUE)).toBe(sends);
    await recordContext(
      task,
      'runtime driver',
      'pg',
      `why: see the header of pool.bench.ts; postgres / pg median latency here: ${ratios.join(', ')}`,
    );
  } finally {
    await client.query('select pgmq.drop_queue($1)', [DRIVER_QUEUE]).catch(() => undefined);
    await client.end();
    await sql.end();
  }
});
