/**
 * PGMQ on one connection: the send → read → archive round trip a step's message makes; each
 * operation's throughput (send, read, archive, delete, read + archive; single and in batches of 10
 * and 100) as messages per second; read latency at queue depths 100 to 100K; logged vs unlogged
 * queues. Queues are filled set-based (send_batch over generate_series) outside every timed region.
 *
 * Throughput runs are load runs, not tinybench loops: the work is created first, then one timed
 * loop drains it on one connection (each call its own transaction, as the services run them); the
 * figure recorded is the median of LOAD_ROUNDS rounds, in msgs/s, under the registry's names
 * (`send (single)`, `send (batch 100)`, `read + archive (batch 100)`, …). Each round starts on a
 * new queue, so no round inherits another's dead tuples (the depth bench measures a used queue).
 */
import {
  activeProfile,
  benchSettings,
  median,
  PGMQ_NAMES,
  pgmqBatchLabel,
  queueLength,
  record,
  sampleInterleaved,
  benchTest as test,
} from '@tasker/bench-kit';
import type pg from 'pg';
import { expect } from 'vitest';

const FULL = activeProfile() === 'full';
const VISIBILITY_TIMEOUT_S = 300;
const BATCH_SIZES = [1, 10, 100] as const;
/**
 * Messages per load round, by batch size. Kept moderate on purpose: `read` alone (no archive) leaves
 * every claimed message in the queue, invisible, and each later read walks past them in msg_id order
 * (PGMQ's claim does the same), so that round's cost grows with the square of its size.
 */
const LOAD_MESSAGES: Record<(typeof BATCH_SIZES)[number], number> = FULL
  ? { 1: 2_000, 10: 10_000, 100: 20_000 }
  : { 1: 500, 10: 3_000, 100: 20_000 };
const LOAD_ROUNDS = FULL ? 5 : 3;
const DEPTHS = [100, 1_000, 10_000, 100_000] as const;
/**
 * Settings for benches whose per-iteration hook costs more than the timed call (a commit each):
 * the profile's iteration count without its time floor, which tinybench counts on the timed calls
 * only and would multiply the wall time by the hook's share.
 */
const hookedSettings = () => ({ ...benchSettings('db'), time: 0 });
const MESSAGE = JSON.stringify({
  task_uuid: '0192f1e2-0000-7000-8000-000000000001',
  step_uuid: '0192f1e2-0000-7000-8000-000000000002',
  correlation_id: 'bench',
});

type Op = 'send' | 'read' | 'archive' | 'delete' | 'read + archive';
const OPS: Op[] = ['send', 'read', 'archive', 'delete', 'read + archive'];

const batchLabel = pgmqBatchLabel;
const depthLabel = (depth: number) => (depth >= 1_000 ? `${depth / 1_000}K` : String(depth));

/** The statements the services use, named so each is parsed once per connection. */
const sql = {
  send: (queue: string): pg.QueryConfig => ({
    name: 'bench_send',
    text: 'select pgmq.send($1, $2::jsonb) as id',
    values: [queue, MESSAGE],
  }),
  sendBatch: (queue: string, size: number): pg.QueryConfig => ({
    name: 'bench_send_batch',
    text: 'select id from pgmq.send_batch($1, $2::jsonb[]) as id',
    values: [queue, Array.from({ length: size }, () => MESSAGE)],
  }),
  read: (queue: string, qty: number): pg.QueryConfig => ({
    name: 'bench_read',
    text: 'select msg_id, read_ct, enqueued_at, vt, message, headers from pgmq.read($1, $2::integer, $3::integer)',
    values: [queue, VISIBILITY_TIMEOUT_S, qty],
  }),
  archive: (queue: string, ids: string[]): pg.QueryConfig => ({
    name: 'bench_archive',
    text: 'select id from pgmq.archive($1, $2::bigint[]) as id',
    values: [queue, ids],
  }),
  delete: (queue: string, ids: string[]): pg.QueryConfig => ({
    name: 'bench_delete',
    text: 'select id from pgmq.delete($1, $2::bigint[]) as id',
    values: [queue, ids],
  }),
};

/** Puts `count` messages into `queue` in one set-based statement; returns their ids in order. */
async function fill(client: pg.ClientBase, queue: string, count: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    'select id from pgmq.send_batch($1, array(select $2::jsonb from generate_series(1, $3::integer))) as id',
    [queue, MESSAGE, count],
  );
  return rows.map((row) => row.id);
}

const chunks = <T>(xs: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/**
 * One load round of `op` over `total` messages in calls of `size`: sets the queue up, then times
 * only the loop of calls. Returns msgs/s; checks every message was handled.
 */
async function loadRound(client: pg.ClientBase, queue: string, op: Op, size: number, total: number) {
  // a new queue each round: purging leaves the earlier rounds' dead index entries at the head of the
  // queue's primary key until a vacuum, and every later read walks them, so a round's figure depended
  // on the rounds before it and on when autovacuum ran (24–31K msgs/s read + archive within one run)
  await client.query('select pgmq.drop_queue($1)', [queue]);
  await client.query('select pgmq.create($1)', [queue]);
  const ids = op === 'send' ? [] : await fill(client, queue, total);
  const calls = Math.ceil(total / size);
  let handled = 0;
  const started = performance.now();
  if (op === 'send') {
    for (let i = 0; i < calls; i++)
      handled +=
        (await client.query(size === 1 ? sql.send(queue) : sql.sendBatch(queue, size))).rowCount ?? 0;
  } else if (op === 'read') {
    for (let i = 0; i < calls; i++) handled += (await client.query(sql.read(queue, size))).rowCount ?? 0;
  } else if (op === 'read + archive') {
    for (let i = 0; i < calls; i++) {
      const { rows } = await client.query<{ msg_id: string }>(sql.read(queue, size));
      handled +=
        (
          await client.query(
            sql.archive(
              queue,
              rows.map((row) => row.msg_id),
            ),
          )
        ).rowCount ?? 0;
    }
  } else {
    const finish = op === 'archive' ? sql.archive : sql.delete;
    for (const chunk of chunks(ids, size))
      handled += (await client.query(finish(queue, chunk))).rowCount ?? 0;
  }
  const ms = performance.now() - started;
  expect(handled, `${op} (${batchLabel(size)}) handled every message`).toBe(calls * size);
  return (handled / ms) * 1_000;
}

test('pgmq send → read → archive round trip', async ({ bench, db }) => {
  const queue = 'bench_roundtrip';
  const client: pg.PoolClient = await db.pool.connect();
  try {
    await client.query('select pgmq.create($1)', [queue]);
    let archived = 0;
    let sent = 0;
    const result = await bench('send → read → archive', async () => {
      await client.query(sql.send(queue));
      sent++;
      const { rows } = await client.query<{ msg_id: string }>(sql.read(queue, 1));
      const msgId = rows[0]?.msg_id;
      if (msgId === undefined) throw new Error('the message just sent was not read back');
      archived += (await client.query(sql.archive(queue, [msgId]))).rowCount ?? 0;
    }).run(benchSettings('db'));
    expect(result.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('db').iterations);
    // every message that was sent was read and archived: the queue is empty again
    expect(archived).toBe(sent);
    expect(await queueLength(client, queue)).toBe(0);
  } finally {
    await client.query('select pgmq.drop_queue($1)', [queue]).catch(() => undefined);
    client.release();
  }
});

test('throughput on one connection (msgs/s)', async ({ db, task }) => {
  const queue = 'bench_throughput';
  const client = await db.pool.connect();
  try {
    await client.query('select pgmq.create($1)', [queue]);
    for (const op of OPS) {
      for (const size of BATCH_SIZES) {
        const total = LOAD_MESSAGES[size];
        const rates: number[] = [];
        for (let round = 0; round < LOAD_ROUNDS; round++)
          rates.push(await loadRound(client, queue, op, size, total));
        await record(task, PGMQ_NAMES.throughput({ op, batch: batchLabel(size) }), {
          kind: 'throughput',
          perSecond: median(rates),
          unit: 'msgs',
          count: total,
          note: `median of ${LOAD_ROUNDS} rounds of ${total.toLocaleString('en')} messages, ${Math.ceil(total / size)} calls each (rounds: ${rates.map((r) => Math.round(r).toLocaleString('en')).join(', ')} msgs/s); logged queue (a new one each round), one connection, each call its own transaction`,
        });
      }
    }
  } finally {
    await client.query('select pgmq.drop_queue($1)', [queue]).catch(() => undefined);
    client.release();
  }
});

test('read latency by queue depth', async ({ bench, db, task }) => {
  const client = await db.pool.connect();
  const medians: number[] = [];
  try {
    for (const depth of DEPTHS) {
      const queue = `bench_depth_${depth}`;
      await client.query('select pgmq.create($1)', [queue]);
      await fill(client, queue, depth);
      await client.query(`vacuum analyze pgmq.q_${queue}`);
      let claimed: string | undefined;
      // the read message leaves (archived) and a new one arrives at the tail: the depth stays put,
      // and the head collects the dead tuples a consumed queue has between vacuums
      const result = await bench(
        `read (depth ${depthLabel(depth)})`,
        {
          afterEach: async () => {
            if (claimed === undefined) throw new Error(`read at depth ${depth} returned nothing`);
            await client.query({
              name: 'bench_replace',
              text: 'select pgmq.archive($1, $2::bigint), pgmq.send($1, $3::jsonb)',
              values: [queue, claimed, MESSAGE],
            });
            claimed = undefined;
          },
        },
        async () => {
          claimed = (await client.query<{ msg_id: string }>(sql.read(queue, 1))).rows[0]?.msg_id;
        },
      ).run(hookedSettings());
      medians.push(result.latency.p50 ?? result.latency.mean);
      // each read message was replaced: the depth it was measured at held throughout
      expect(await queueLength(client, queue)).toBe(depth);
      await client.query('select pgmq.drop_queue($1)', [queue]);
    }
    const first = medians[0] ?? Number.NaN;
    const last = medians[medians.length - 1] ?? Number.NaN;
    expect(Number.isFinite(last / first) && last / first > 0, `growth ${last} / ${first}`).toBe(true);
    await record(task, 'read latency growth depth 100 → 100K', {
      kind: 'growth',
      ratio: last / first,
      from: 'depth 100',
      to: 'depth 100K',
      note: `median read (qty 1) latency: ${medians.map((m, i) => `${depthLabel(DEPTHS[i] ?? 0)} ${m.toFixed(3)} ms`).join(', ')}`,
    });
  } finally {
    client.release();
  }
});

test('logged vs unlogged queues', async ({ db, task }) => {
  const queues = { logged: 'bench_logged', unlogged: 'bench_unlogged' } as const;
  const client = await db.pool.connect();
  try {
    await client.query('select pgmq.create($1)', [queues.logged]);
    await client.query('select pgmq.create_unlogged($1)', [queues.unlogged]);
    type Kind = keyof typeof queues;
    const kinds = Object.keys(queues) as Kind[];
    const settings = benchSettings('db');
    const rounds = { rounds: settings.iterations, warmupRounds: settings.warmupIterations };
    // A/B on one connection: the two kinds alternate call by call (sampleInterleaved), so load on
    // the shared machine hits both alike
    const handled = { send: 0, drained: 0 };
    const sends = await sampleInterleaved(
      Object.fromEntries(
        kinds.map((kind) => [
          kind,
          async () => {
            handled.send += (await client.query(sql.sendBatch(queues[kind], 100))).rowCount ?? 0;
          },
        ]),
      ),
      rounds,
    );
    const drains = await sampleInterleaved(
      Object.fromEntries(
        kinds.map((kind) => [
          kind,
          {
            beforeEach: () => fill(client, queues[kind], 100),
            fn: async () => {
              const { rows } = await client.query<{ msg_id: string }>(sql.read(queues[kind], 100));
              handled.drained +=
                (
                  await client.query(
                    sql.archive(
                      queues[kind],
                      rows.map((row) => row.msg_id),
                    ),
                  )
                ).rowCount ?? 0;
            },
          },
        ]),
      ),
      rounds,
    );
    // every batch call sent or drained its 100 messages
    const calls = kinds.length * (settings.iterations + settings.warmupIterations);
    expect(handled).toEqual({ send: calls * 100, drained: calls * 100 });
    for (const [what, samples] of [
      ['send (batch 100)', sends],
      ['read + archive (batch 100)', drains],
    ] as const) {
      for (const kind of kinds)
        await record(task, `${kind}: ${what}`, {
          kind: 'latency',
          samplesMs: samples.get(kind) ?? [],
          note: `${settings.iterations} calls after ${settings.warmupIterations} warm-up rounds, logged and unlogged alternating call by call`,
        });
      const logged = median(samples.get('logged') ?? []);
      const unlogged = median(samples.get('unlogged') ?? []);
      expect(Number.isFinite(logged / unlogged) && logged / unlogged > 0, what).toBe(true);
      await record(task, `unlogged speed-up: ${what}`, {
        kind: 'value',
        value: logged / unlogged,
        unit: 'x',
        note: `median call: logged ${logged.toFixed(3)} ms, unlogged ${unlogged.toFixed(3)} ms, alternating call by call (an unlogged queue skips WAL and the commit's WAL flush; it is emptied after a crash)`,
      });
    }
  } finally {
    for (const queue of Object.values(queues))
      await client.query('select pgmq.drop_queue($1)', [queue]).catch(() => undefined);
    client.release();
  }
});
