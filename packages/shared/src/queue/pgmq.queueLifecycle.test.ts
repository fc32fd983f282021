/**
 * PGMQ conformance, queue lifecycle and names beyond create/drop (those are in
 * pgmq.conformance.test.ts): format_table_name, validate_queue_name, create_non_partitioned, the
 * partitioned-queue functions, the deprecated drop_queue(name, partitioned), detach_archive and
 * acquire_queue_lock — against whichever PGMQ the test database has; where the compatible layer
 * differs from the extension by design (its own SQLSTATEs, no extension to detach from), the test
 * says so and asserts the layer's documented behaviour.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import type pg from 'pg';
import { beforeAll, describe, expect, test } from 'vitest';
import { TASKER_SQLSTATE } from '../sqlErrors.ts';
import { detectPgmqFlavor, type PgmqFlavor } from './installPgmq.ts';

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

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  return (await db.pool.query<R>(text, params)).rows;
}

async function failure(text: string, params: unknown[] = []): Promise<Error & { code?: string }> {
  const error = await db.pool.query(text, params).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected ${text} to fail`);
  return error;
}

async function tables(stem: string): Promise<string[]> {
  const rows = await sql<{ relname: string }>(
    `select relname from pg_class where relnamespace = 'pgmq'::regnamespace and relname in ($1, $2) order by 1`,
    [`a_${stem}`, `q_${stem}`],
  );
  return rows.map((row) => row.relname);
}

async function listed(queue: string): Promise<boolean> {
  const [row] = await sql<{ listed: boolean }>(
    'select exists (select 1 from pgmq.list_queues() where queue_name = $1) as listed',
    [queue],
  );
  return row?.listed ?? false;
}

describe('names', () => {
  test('format_table_name names a queue table as PGMQ does: prefix, underscore, lower-cased name', async () => {
    expect(
      await sql(
        `select pgmq.format_table_name('Orders_1', 'q') as q, pgmq.format_table_name('Orders_1', 'a') as a`,
      ),
    ).toEqual([{ q: 'q_orders_1', a: 'a_orders_1' }]);
  });

  test('format_table_name refuses a name with a forbidden character', async () => {
    const error = await failure(`select pgmq.format_table_name($1, 'q')`, ['orders; drop table x']);
    if (flavor === 'compatible') {
      expect(error.code).toBe(TASKER_SQLSTATE.invalidQueueName);
      expect(error.message).toContain('contains ; at character 7');
    }
    expect(error.message).not.toContain('drop table');
  });

  test('validate_queue_name accepts 47 characters and refuses 48', async () => {
    // returns void: accepted means no error
    expect(await sql('select pgmq.validate_queue_name($1)', ['v'.repeat(47)])).toHaveLength(1);
    const error = await failure('select pgmq.validate_queue_name($1)', ['v'.repeat(48)]);
    if (flavor === 'compatible') expect(error.code).toBe(TASKER_SQLSTATE.invalidQueueName);
    expect(error.message).toMatch(/47/);
    if (flavor === 'compatible') {
      // PGMQ lets an empty name through (its tables would be q_ and a_); the layer refuses it
      const empty = await failure('select pgmq.validate_queue_name($1)', ['']);
      expect(empty).toMatchObject({
        code: TASKER_SQLSTATE.invalidQueueName,
        message: 'invalid queue name: it is empty',
      });
    }
  });

  test('a very long, hostile name is refused by its length, and not echoed back', async () => {
    const hostile = `${"x'; select pg_sleep(10); --".repeat(400)}\n`;
    const error = await failure('select pgmq.create($1)', [hostile]);
    if (flavor === 'compatible') {
      expect(error.code).toBe(TASKER_SQLSTATE.invalidQueueName);
      expect(error.message).toBe(
        `invalid queue name: it is ${hostile.length} characters (${hostile.length} bytes) long, the maximum is 47 characters (54 bytes)`,
      );
    }
    expect(error.message).not.toContain('pg_sleep');
    expect(error.message.length).toBeLessThan(200);
  });
});

describe('creating', () => {
  test('create_non_partitioned creates an ordinary queue, as create does', async () => {
    await sql('select pgmq.create_non_partitioned($1)', ['life_nonpart']);
    expect(await tables('life_nonpart')).toEqual(['a_life_nonpart', 'q_life_nonpart']);
    const [queue] = await sql(
      `select is_partitioned, is_unlogged from pgmq.list_queues() where queue_name = 'life_nonpart'`,
    );
    expect(queue).toEqual({ is_partitioned: false, is_unlogged: false });
    const [id] = await sql<{ id: string }>(`select * from pgmq.send('life_nonpart', '{"n":1}') as id`);
    const read = await sql<{ msg_id: string }>(`select msg_id from pgmq.read('life_nonpart', 30, 1)`);
    expect(read.map((m) => m.msg_id)).toEqual([id?.id]);
  });

  test('create_partitioned and convert_archive_partitioned refuse (no pg_partman here) and create nothing', async () => {
    const [partman] = await sql<{ installed: boolean }>(
      `select exists (select 1 from pg_extension where extname = 'pg_partman') as installed`,
    );
    // with pg_partman, the real extension does create partitioned queues: nothing to refuse
    if (partman?.installed) return;
    const create = await failure(`select pgmq.create_partitioned('life_part', '10000', '100000')`);
    const convert = await failure(`select pgmq.convert_archive_partitioned('life_part')`);
    if (flavor === 'compatible') {
      expect(create).toMatchObject({ code: TASKER_SQLSTATE.partitionedQueuesUnavailable });
      expect(create.message).toContain('partitioned queues are not available');
      expect(convert).toMatchObject({ code: TASKER_SQLSTATE.partitionedQueuesUnavailable });
    }
    expect(await tables('life_part')).toEqual([]);
    expect(await listed('life_part')).toBe(false);
  });

  test('create_partitioned checks the name before anything else', async () => {
    if (flavor !== 'compatible') return; // the extension checks pg_partman first
    const error = await failure('select pgmq.create_partitioned($1)', ['bad$name']);
    expect(error.code).toBe(TASKER_SQLSTATE.invalidQueueName);
  });
});

describe('dropping and detaching', () => {
  test('the deprecated drop_queue(name, partitioned) drops the queue like drop_queue(name)', async () => {
    await sql(`select pgmq.create('life_drop2')`);
    await sql(`select pgmq.send('life_drop2', '{}')`);
    const client = await db.pool.connect();
    const warnings: string[] = [];
    client.on('notice', (notice) => {
      if (notice.severity === 'WARNING') warnings.push(notice.message ?? '');
    });
    try {
      const { rows } = await client.query(`select pgmq.drop_queue('life_drop2', false) as dropped`);
      expect(rows).toEqual([{ dropped: true }]);
      if (flavor === 'compatible') {
        expect(warnings).toEqual([
          'drop_queue(queue_name, partitioned) is deprecated: use drop_queue(queue_name)',
        ]);
        const again = await client.query(`select pgmq.drop_queue('life_drop2', false) as dropped`);
        expect(again.rows).toEqual([{ dropped: false }]);
      }
    } finally {
      client.removeAllListeners('notice');
      client.release();
    }
    expect(await tables('life_drop2')).toEqual([]);
    expect(await listed('life_drop2')).toBe(false);
  });

  test('detach_archive keeps the archive in use: archive() still appends to it', async () => {
    await sql(`select pgmq.create('life_detach')`);
    await sql(`select pgmq.detach_archive('life_detach')`);
    const [first] = await sql<{ id: string }>(`select * from pgmq.send('life_detach', '{"n":1}') as id`);
    expect(await sql(`select pgmq.archive('life_detach', $1::bigint) as archived`, [first?.id])).toEqual([
      { archived: true },
    ]);
    const archived = await sql<{ msg_id: string }>('select msg_id from pgmq.a_life_detach');
    expect(archived.map((row) => row.msg_id)).toEqual([first?.id]);
    if (flavor === 'compatible') {
      // no extension owns the layer's tables: detaching again is the same no-op
      await sql(`select pgmq.detach_archive('life_detach')`);
    }
  });

  test('detach_archive of a queue that does not exist is an error naming it', async () => {
    const error = await failure(`select pgmq.detach_archive('life_missing')`);
    expect(error.message).toContain('life_missing');
    if (flavor === 'compatible') expect(error.code).toBe(TASKER_SQLSTATE.unknownQueue);
  });
});

describe('acquire_queue_lock', () => {
  test('a session holding the lock keeps another from creating the queue until it unlocks', async () => {
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      const { rows } = await a.query<{ key: string }>(`select pgmq.acquire_queue_lock('life_locked') as key`);
      const key = rows[0]?.key;
      expect(key).toMatch(/^-?\d+$/);
      // B's create waits for the lock: with a lock_timeout it gives up instead of hanging
      await b.query(`set lock_timeout = '200ms'`);
      const blocked = await b.query(`select pgmq.create('life_locked')`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(blocked).toMatchObject({ code: '55P03' });
      expect(await tables('life_locked')).toEqual([]);
      expect(await a.query('select pg_advisory_unlock($1::bigint) as released', [key])).toMatchObject({
        rows: [{ released: true }],
      });
      await b.query(`select pgmq.create('life_locked')`);
      expect(await tables('life_locked')).toEqual(['a_life_locked', 'q_life_locked']);
    } finally {
      await b.query('reset lock_timeout').catch(() => undefined);
      await a.query('select pg_advisory_unlock_all()').catch(() => undefined);
      a.release();
      b.release();
    }
  });

  test('the lock is per queue: another queue is created while one is held', async () => {
    const a = await db.pool.connect();
    try {
      await a.query(`select pgmq.acquire_queue_lock('life_held')`);
      await sql(`select pgmq.create('life_free')`);
      expect(await tables('life_free')).toEqual(['a_life_free', 'q_life_free']);
    } finally {
      await a.query('select pg_advisory_unlock_all()').catch(() => undefined);
      a.release();
    }
  });
});
