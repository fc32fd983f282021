/**
 * PGMQ conformance: the semantics tasker relies on, asserted against whichever PGMQ the test
 * database has (the real extension, or our compatible SQL layer). Each test uses its own queue.
 * Time-dependent values are asserted as relations computed in SQL (vt > now()), never as raw
 * timestamps; visibility is driven with set_vt(…, 0) rather than sleeps wherever possible.
 * The rest of the suite: pgmq.signatures.test.ts (every PGMQ 1.5 call form, its parameter names and
 * result types) and pgmq.queueLifecycle.test.ts (format_table_name, validate_queue_name, the
 * partitioned-queue functions, drop_queue(name, partitioned), detach_archive, acquire_queue_lock).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import type pg from 'pg';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Queryable } from '../db/queryable.ts';
import { TASKER_SQLSTATE } from '../sqlErrors.ts';
import { detectPgmqFlavor, installPgmq, type PgmqFlavor } from './installPgmq.ts';

const db = useTestDatabase();
let flavor: PgmqFlavor;

beforeAll(async () => {
  const client = await db.pool.connect();
  try {
    const detected = await detectPgmqFlavor(client);
    if (detected === null) throw new Error('the test database has no PGMQ installed');
    flavor = detected;
  } finally {
    client.release();
  }
});

type Message = {
  msg_id: string;
  read_ct: number;
  message: unknown;
  headers: unknown;
  /** vt > now(), computed in SQL */
  hidden: boolean;
};

const MESSAGE_COLUMNS = 'msg_id, read_ct, message, headers, vt > clock_timestamp() as hidden';

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  return (await db.pool.query<R>(text, params)).rows;
}

async function createQueue(name: string): Promise<string> {
  await sql('select pgmq.create($1)', [name]);
  return name;
}

async function send(queue: string, message: unknown, delay = 0): Promise<string> {
  const [row] = await sql<{ id: string }>('select * from pgmq.send($1, $2::jsonb, $3::integer) as id', [
    queue,
    JSON.stringify(message),
    delay,
  ]);
  if (!row) throw new Error('send returned no id');
  return row.id;
}

async function read(queue: string, vt: number, qty: number, on: Queryable = db.pool) {
  return (await on.query<Message>(`select ${MESSAGE_COLUMNS} from pgmq.read($1, $2, $3)`, [queue, vt, qty]))
    .rows;
}

async function makeVisible(queue: string, msgId: string): Promise<void> {
  await sql('select * from pgmq.set_vt($1, $2::bigint, 0)', [queue, msgId]);
}

async function count(table: string): Promise<number> {
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from pgmq.${table}`);
  return row?.n ?? -1;
}

describe('send and read', () => {
  test('read returns the sent message, counts the read and hides it', async () => {
    const q = await createQueue('conf_send_read');
    const id = await send(q, { hello: 'world' });
    const messages = await read(q, 30, 10);
    expect(messages).toEqual([
      { msg_id: id, read_ct: 1, message: { hello: 'world' }, headers: null, hidden: true },
    ]);
  });

  test('send_batch returns one id per message, in order, and read returns them by msg_id', async () => {
    const q = await createQueue('conf_send_batch');
    const ids = (
      await sql<{ id: string }>('select * from pgmq.send_batch($1, $2::jsonb[]) as id', [
        q,
        [{ n: 1 }, { n: 2 }, { n: 3 }].map((m) => JSON.stringify(m)),
      ])
    ).map((row) => row.id);
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(ids);
    const messages = await read(q, 30, 10);
    expect(messages.map((m) => [m.msg_id, m.message])).toEqual([
      [ids[0], { n: 1 }],
      [ids[1], { n: 2 }],
      [ids[2], { n: 3 }],
    ]);
  });

  test('send and send_batch take the delay as a timestamp too, with or without headers', async () => {
    const q = await createQueue('conf_send_at');
    const later = await sql<{ id: string }>(
      `select * from pgmq.send($1, '{"n":1}'::jsonb, clock_timestamp() + interval '1 hour') as id
       union all
       select * from pgmq.send($1, '{"n":2}'::jsonb, '{"h":2}'::jsonb, clock_timestamp() + interval '1 hour')
       union all
       select * from pgmq.send_batch($1, array['{"n":3}'::jsonb], clock_timestamp() + interval '1 hour')
       union all
       select * from pgmq.send_batch($1, array['{"n":4}'::jsonb], array['{"h":4}'::jsonb], clock_timestamp() + interval '1 hour')`,
      [q],
    );
    const now = await sql<{ id: string }>(
      `select * from pgmq.send($1, '{"n":5}'::jsonb, '{"h":5}'::jsonb, clock_timestamp()) as id
       union all
       select * from pgmq.send_batch($1, array['{"n":6}'::jsonb], array['{"h":6}'::jsonb], 0) as id`,
      [q],
    );
    expect(later).toHaveLength(4);
    const stored = await sql<{ message: { n: number }; headers: unknown; hidden: boolean }>(
      `select message, headers, vt > clock_timestamp() + interval '50 minutes' as hidden
       from pgmq.q_conf_send_at order by msg_id`,
    );
    expect(stored).toEqual([
      { message: { n: 1 }, headers: null, hidden: true },
      { message: { n: 2 }, headers: { h: 2 }, hidden: true },
      { message: { n: 3 }, headers: null, hidden: true },
      { message: { n: 4 }, headers: { h: 4 }, hidden: true },
      { message: { n: 5 }, headers: { h: 5 }, hidden: false },
      { message: { n: 6 }, headers: { h: 6 }, hidden: false },
    ]);
    expect((await read(q, 30, 10)).map((m) => m.msg_id)).toEqual(now.map((row) => row.id));
  });

  test('qty limits how many messages one read claims', async () => {
    const q = await createQueue('conf_read_qty');
    for (let n = 0; n < 5; n++) await send(q, { n });
    expect(await read(q, 30, 2)).toHaveLength(2);
    expect(await read(q, 30, 10)).toHaveLength(3);
  });

  test('headers are stored and returned', async () => {
    const q = await createQueue('conf_headers');
    await sql('select * from pgmq.send($1, $2::jsonb, $3::jsonb)', [q, '{"a":1}', '{"trace":"t1"}']);
    const [message] = await read(q, 30, 1);
    expect(message?.headers).toEqual({ trace: 't1' });
  });

  test('a conditional read returns only messages containing the condition', async () => {
    const q = await createQueue('conf_conditional');
    await send(q, { type: 'a', n: 1 });
    const b = await send(q, { type: 'b', n: 2 });
    const rows = await sql<Message>(`select ${MESSAGE_COLUMNS} from pgmq.read($1, 30, 10, $2::jsonb)`, [
      q,
      '{"type":"b"}',
    ]);
    expect(rows.map((m) => m.msg_id)).toEqual([b]);
    expect(await read(q, 30, 10)).toHaveLength(1);
  });
});

describe('visibility', () => {
  test('a read message is hidden until its vt expires, then re-delivered', async () => {
    const q = await createQueue('conf_vt_expiry');
    const id = await send(q, { job: 1 });
    expect((await read(q, 1, 1)).map((m) => m.msg_id)).toEqual([id]);
    expect(await read(q, 1, 1)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await read(q, 30, 1);
    expect(again.map((m) => [m.msg_id, m.read_ct])).toEqual([[id, 2]]);
  });

  test('set_vt 0 makes a message visible at once and read_ct counts every read', async () => {
    const q = await createQueue('conf_set_vt');
    const id = await send(q, { job: 1 });
    for (let expected = 1; expected <= 3; expected++) {
      const [message] = await read(q, 30, 1);
      expect(message).toMatchObject({ msg_id: id, read_ct: expected, hidden: true });
      expect(await read(q, 30, 1)).toEqual([]);
      await makeVisible(q, id);
    }
  });

  test('set_vt returns the message with its new vt', async () => {
    const q = await createQueue('conf_set_vt_return');
    const id = await send(q, { job: 1 });
    const later = await sql<Message>(`select ${MESSAGE_COLUMNS} from pgmq.set_vt($1, $2::bigint, 60)`, [
      q,
      id,
    ]);
    expect(later).toMatchObject([{ msg_id: id, read_ct: 0, hidden: true }]);
    expect(await read(q, 30, 1)).toEqual([]);
    const now = await sql<Message>(`select ${MESSAGE_COLUMNS} from pgmq.set_vt($1, $2::bigint, 0)`, [q, id]);
    expect(now).toMatchObject([{ msg_id: id, hidden: false }]);
  });

  test('a delayed message stays hidden until its delay passes', async () => {
    const q = await createQueue('conf_delay');
    const id = await send(q, { later: true }, 30);
    const [row] = await sql<{ hidden: boolean }>(
      `select vt > clock_timestamp() + interval '20 seconds' as hidden from pgmq.q_conf_delay where msg_id = $1`,
      [id],
    );
    expect(row?.hidden).toBe(true);
    expect(await read(q, 30, 10)).toEqual([]);
    await makeVisible(q, id);
    expect((await read(q, 30, 10)).map((m) => m.msg_id)).toEqual([id]);
  });
});

describe('finishing messages', () => {
  test('archive moves the message to a_<queue> with archived_at and removes it from q_<queue>', async () => {
    const q = await createQueue('conf_archive');
    const id = await send(q, { done: true });
    await read(q, 30, 1);
    const [result] = await sql<{ archived: boolean }>('select pgmq.archive($1, $2::bigint) as archived', [
      q,
      id,
    ]);
    expect(result?.archived).toBe(true);
    expect(await count('q_conf_archive')).toBe(0);
    const archived = await sql(
      `select msg_id, read_ct, message, archived_at <= clock_timestamp() as stamped,
              archived_at >= enqueued_at as after_enqueue
       from pgmq.a_conf_archive`,
    );
    expect(archived).toEqual([
      { msg_id: id, read_ct: 1, message: { done: true }, stamped: true, after_enqueue: true },
    ]);
    const [again] = await sql<{ archived: boolean }>('select pgmq.archive($1, $2::bigint) as archived', [
      q,
      id,
    ]);
    expect(again?.archived).toBe(false);
  });

  test('archive and delete of a batch return the ids they handled, skipping unknown ones', async () => {
    const q = await createQueue('conf_batch_finish');
    const ids = (
      await sql<{ id: string }>('select * from pgmq.send_batch($1, $2::jsonb[]) as id', [
        q,
        ['{}', '{}', '{}'],
      ])
    ).map((row) => row.id);
    const archived = await sql<{ id: string }>(
      'select * from pgmq.archive($1, $2::bigint[]) as id order by 1',
      [q, [ids[0], ids[1], '999999']],
    );
    expect(archived.map((row) => row.id)).toEqual([ids[0], ids[1]]);
    const deleted = await sql<{ id: string }>('select * from pgmq.delete($1, $2::bigint[]) as id', [
      q,
      [ids[2], '999999'],
    ]);
    expect(deleted.map((row) => row.id)).toEqual([ids[2]]);
    expect(await count('q_conf_batch_finish')).toBe(0);
    expect(await count('a_conf_batch_finish')).toBe(2);
  });

  test('delete removes the message without archiving it', async () => {
    const q = await createQueue('conf_delete');
    const id = await send(q, { gone: true });
    const [first] = await sql<{ deleted: boolean }>('select pgmq.delete($1, $2::bigint) as deleted', [q, id]);
    const [second] = await sql<{ deleted: boolean }>('select pgmq.delete($1, $2::bigint) as deleted', [
      q,
      id,
    ]);
    expect([first?.deleted, second?.deleted]).toEqual([true, false]);
    expect(await count('q_conf_delete')).toBe(0);
    expect(await count('a_conf_delete')).toBe(0);
  });

  test('pop returns the oldest visible message and removes it', async () => {
    const q = await createQueue('conf_pop');
    const first = await send(q, { n: 1 });
    const second = await send(q, { n: 2 });
    const popped = await sql<Message>(`select ${MESSAGE_COLUMNS} from pgmq.pop($1)`, [q]);
    expect(popped.map((m) => [m.msg_id, m.message])).toEqual([[first, { n: 1 }]]);
    const left = await sql<{ msg_id: string }>('select msg_id from pgmq.q_conf_pop');
    expect(left.map((row) => row.msg_id)).toEqual([second]);
    expect(await count('a_conf_pop')).toBe(0);
  });

  test('purge_queue deletes every message and returns how many', async () => {
    const q = await createQueue('conf_purge');
    for (let n = 0; n < 3; n++) await send(q, { n });
    const [row] = await sql<{ purged: string }>('select pgmq.purge_queue($1) as purged', [q]);
    expect(Number(row?.purged)).toBe(3);
    expect(await read(q, 30, 10)).toEqual([]);
  });
});

describe('read_with_poll', () => {
  test('waits for a message sent from another connection during the poll', async () => {
    const q = await createQueue('conf_poll_wait');
    const started = performance.now();
    const polling = db.pool.query<Message>(
      `select ${MESSAGE_COLUMNS} from pgmq.read_with_poll($1, 30, 1, 5, 50)`,
      [q],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const id = await send(q, { late: true });
    const { rows } = await polling;
    const waited = performance.now() - started;
    expect(rows.map((m) => [m.msg_id, m.read_ct])).toEqual([[id, 1]]);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(4_000);
  });

  test('returns nothing once max_poll_seconds have passed', async () => {
    const q = await createQueue('conf_poll_timeout');
    const started = performance.now();
    const rows = await sql('select * from pgmq.read_with_poll($1, 30, 1, 1, 50)', [q]);
    const waited = performance.now() - started;
    expect(rows).toEqual([]);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(3_000);
  });
});

describe('concurrent readers', () => {
  test('two open transactions never claim the same message (skip locked)', async () => {
    const q = await createQueue('conf_skip_locked');
    const first = await send(q, { n: 1 });
    const second = await send(q, { n: 2 });
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('begin');
      await b.query('begin');
      // vt 0: the messages stay visible by time, so only the row lock keeps B away from A's message
      const claimedByA = await read(q, 0, 1, a);
      const claimedByB = await read(q, 0, 10, b);
      expect(claimedByA.map((m) => m.msg_id)).toEqual([first]);
      expect(claimedByB.map((m) => m.msg_id)).toEqual([second]);
      await a.query('commit');
      await b.query('commit');
    } finally {
      await a.query('rollback').catch(() => undefined);
      await b.query('rollback').catch(() => undefined);
      a.release();
      b.release();
    }
    expect((await read(q, 30, 10)).map((m) => m.msg_id)).toEqual([first, second]);
  });
});

describe('queues', () => {
  test('create is idempotent and keeps the messages', async () => {
    const q = await createQueue('conf_idempotent');
    const id = await send(q, {});
    await createQueue(q);
    expect((await read(q, 30, 10)).map((m) => m.msg_id)).toEqual([id]);
  });

  test('installing PGMQ again keeps the flavour and the queues', async () => {
    const q = await createQueue('conf_reinstall');
    const id = await send(q, {});
    const client = await db.pool.connect();
    try {
      expect(await installPgmq(client)).toBe(flavor);
    } finally {
      client.release();
    }
    expect((await read(q, 30, 10)).map((m) => m.msg_id)).toEqual([id]);
  });

  test('list_queues lists created queues with their kind', async () => {
    await createQueue('conf_list_logged');
    await sql('select pgmq.create_unlogged($1)', ['conf_list_unlogged']);
    const queues = await sql<{
      queue_name: string;
      is_partitioned: boolean;
      is_unlogged: boolean;
      past: boolean;
    }>(
      `select queue_name, is_partitioned, is_unlogged, created_at <= clock_timestamp() as past
       from pgmq.list_queues() where queue_name like 'conf_list_%' order by queue_name`,
    );
    expect(queues).toEqual([
      { queue_name: 'conf_list_logged', is_partitioned: false, is_unlogged: false, past: true },
      { queue_name: 'conf_list_unlogged', is_partitioned: false, is_unlogged: true, past: true },
    ]);
  });

  test('an unlogged queue has unlogged tables and works like any other', async () => {
    const q = 'conf_unlogged';
    await sql('select pgmq.create_unlogged($1)', [q]);
    const tables = await sql<{ relname: string; relpersistence: string }>(
      `select relname, relpersistence from pg_class
       where relnamespace = 'pgmq'::regnamespace and relname in ('q_conf_unlogged', 'a_conf_unlogged') order by 1`,
    );
    expect(tables).toEqual([
      { relname: 'a_conf_unlogged', relpersistence: 'u' },
      { relname: 'q_conf_unlogged', relpersistence: 'u' },
    ]);
    const id = await send(q, { fast: true });
    expect((await read(q, 30, 1)).map((m) => m.msg_id)).toEqual([id]);
    expect(await sql('select pgmq.archive($1, $2::bigint) as archived', [q, id])).toEqual([
      { archived: true },
    ]);
  });

  test('the compatible layer keeps room for HOT updates: fillfactor 50, no index on vt', async () => {
    if (flavor !== 'compatible') return;
    const q = await createQueue('conf_hot');
    const [table] = await sql<{ reloptions: string[] | null; indexes: string[] }>(
      `select c.reloptions,
              array(select i.indexrelid::regclass::text from pg_index i where i.indrelid = c.oid order by 1) as indexes
       from pg_class c where c.oid = 'pgmq.q_conf_hot'::regclass`,
    );
    // only the primary key: an index on vt would turn every read's vt update into a non-HOT one
    expect(table).toEqual({ reloptions: ['fillfactor=50'], indexes: ['pgmq.q_conf_hot_pkey'] });
    await sql('select * from pgmq.send_batch($1, $2::jsonb[])', [q, ['{}', '{}', '{}']]);
    expect(await read(q, 30, 3)).toHaveLength(3);
  });

  test('drop_queue removes the tables and the registration; false when already gone', async () => {
    const q = await createQueue('conf_drop');
    await send(q, {});
    expect(await sql('select pgmq.drop_queue($1) as dropped', [q])).toEqual([{ dropped: true }]);
    const left = await sql(
      `select to_regclass('pgmq.q_conf_drop') as q, to_regclass('pgmq.a_conf_drop') as a,
              exists (select 1 from pgmq.list_queues() where queue_name = $1) as listed`,
      [q],
    );
    expect(left).toEqual([{ q: null, a: null, listed: false }]);
    expect(await sql('select pgmq.drop_queue($1) as dropped', [q])).toEqual([{ dropped: false }]);
  });

  test('metrics count queued, visible and total messages', async () => {
    const q = await createQueue('conf_metrics');
    await send(q, { n: 1 });
    await send(q, { n: 2 });
    await send(q, { n: 3 }, 60);
    const deleted = await send(q, { n: 4 });
    await sql('select pgmq.delete($1, $2::bigint)', [q, deleted]);
    await read(q, 30, 1);
    const metrics = await sql(
      `select queue_name, queue_length::int, queue_visible_length::int, total_messages::int,
              oldest_msg_age_sec >= newest_msg_age_sec and newest_msg_age_sec >= 0 as ages_ordered,
              scrape_time <= clock_timestamp() as scraped
       from pgmq.metrics($1)`,
      [q],
    );
    expect(metrics).toEqual([
      {
        queue_name: q,
        queue_length: 3,
        queue_visible_length: 1,
        total_messages: 4,
        ages_ordered: true,
        scraped: true,
      },
    ]);
    const all = await sql<{ queue_name: string; queue_length: number }>(
      'select queue_name, queue_length::int from pgmq.metrics_all() where queue_name = $1',
      [q],
    );
    expect(all).toEqual([{ queue_name: q, queue_length: 3 }]);
  });
});

describe('queue names', () => {
  const badNames: [string, string, RegExp][] = [
    ['too long (48 characters)', 'q'.repeat(48), /it is 48 characters \(48 bytes\) long, the maximum is 47/],
    ['a semicolon', 'bad;name', /contains ; at character 4/],
    ['a dollar sign', 'bad$name', /contains \$ at character 4/],
    ['a double dash', 'bad--name', /contains -- at character 4/],
    ['a quote', "bad'name", /contains ' at character 4/],
    ['a double quote', 'bad"name', /contains " at character 4/],
  ];

  test.each(badNames)('a name with %s is rejected', async (_what, name, problem) => {
    const error = await sql('select pgmq.create($1)', [name]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    if (flavor === 'compatible') {
      expect(error).toMatchObject({ code: TASKER_SQLSTATE.invalidQueueName });
      // the message says what is wrong, never repeats the name it rejects
      expect((error as Error).message).toMatch(problem);
      expect((error as Error).message).not.toContain(name);
    }
    const sendError = await sql('select pgmq.send($1, $2::jsonb)', [name, '{}']).catch((e: unknown) => e);
    expect(sendError).toBeInstanceOf(Error);
  });

  test('a 47-character name is accepted', async () => {
    const name = `conf_${'x'.repeat(42)}`;
    await createQueue(name);
    const id = await send(name, {});
    expect((await read(name, 30, 1)).map((m) => m.msg_id)).toEqual([id]);
  });

  test('using a queue that does not exist is an error naming it', async () => {
    const error = await sql('select pgmq.send($1, $2::jsonb)', ['conf_missing', '{}']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('conf_missing');
    if (flavor === 'compatible') expect(error).toMatchObject({ code: TASKER_SQLSTATE.unknownQueue });
  });
});
