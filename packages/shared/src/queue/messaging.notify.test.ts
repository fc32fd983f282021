/**
 * Notifying sends (03_messaging.sql through the messaging.ts wrappers): which channels hear a
 * send, what the payload carries, when it falls back to signal-only, and which names are refused.
 * A plain pg.Client LISTENs here, so these tests do not depend on PgEventListener.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidQueueNameError, TASKER_SQLSTATE, UnknownQueueError } from '../sqlErrors.ts';
import { parseMessageReady } from './messageReady.ts';
import {
  archiveMessages,
  deleteMessages,
  ensureQueue,
  readMessages,
  readWithPoll,
  sendBatchWithNotify,
  sendWithNotify,
} from './messaging.ts';
import { MESSAGE_READY_CHANNEL, ORCHESTRATION_STEP_RESULTS_QUEUE, workerQueueName } from './queueNames.ts';

const db = useTestDatabase();
let listener: pg.Client;
const received: pg.Notification[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: db.connectionString });
  await listener.connect();
  listener.on('notification', (n) => received.push(n));
  await listener.query(
    `LISTEN "${MESSAGE_READY_CHANNEL}"; LISTEN "${MESSAGE_READY_CHANNEL}.payments";
     LISTEN "${MESSAGE_READY_CHANNEL}.orchestration"; LISTEN "${MESSAGE_READY_CHANNEL}.plain_queue"`,
  );
});

afterAll(async () => {
  await listener?.end();
});

/** Waits until `count` notifications arrived since `from`, and returns them. */
async function notificationsAfter(from: number, count: number): Promise<pg.Notification[]> {
  const deadline = Date.now() + 2_000;
  while (received.length < from + count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // a short grace period catches notifications beyond the expected count
  await new Promise((resolve) => setTimeout(resolve, 20));
  return received.slice(from);
}

/** The notifications since `from` after a quiet period, for asserting that none arrive. */
async function quietAfter(from: number): Promise<pg.Notification[]> {
  await new Promise((resolve) => setTimeout(resolve, 150));
  return received.slice(from);
}

describe('single send', () => {
  test('notifies the namespace channel and the global channel with the message inline', async () => {
    const queue = workerQueueName('payments');
    await ensureQueue(db.pool, queue);
    const mark = received.length;
    const message = { task_uuid: 't1', step_uuid: 's1', correlation_id: 'c1' };
    const id = await sendWithNotify(db.pool, queue, message);
    const got = await notificationsAfter(mark, 2);
    expect(got.map((n) => n.channel).sort()).toEqual([
      MESSAGE_READY_CHANNEL,
      `${MESSAGE_READY_CHANNEL}.payments`,
    ]);
    for (const n of got) {
      expect(JSON.parse(n.payload ?? '')).toEqual({
        queue,
        namespace: 'payments',
        msg_id: Number(id),
        message,
        signal_only: false,
      });
      expect(parseMessageReady(n.payload ?? '')).toEqual({
        queue,
        namespace: 'payments',
        msg_id: id,
        message,
        signal_only: false,
      });
    }
    const [read] = await readMessages(db.pool, queue, { visibilityTimeoutSeconds: 30 });
    expect(read).toMatchObject({ msg_id: id, read_ct: 1, message });
  });

  test('a large message goes out signal-only and the payload stays under the limit', async () => {
    const queue = workerQueueName('payments');
    const mark = received.length;
    const big = { blob: 'x'.repeat(7_500) };
    const id = await sendWithNotify(db.pool, queue, big);
    const got = await notificationsAfter(mark, 2);
    expect(got).toHaveLength(2);
    for (const n of got) {
      expect(Buffer.byteLength(n.payload ?? '')).toBeLessThan(7_000);
      expect(parseMessageReady(n.payload ?? '')).toEqual({
        queue,
        namespace: 'payments',
        msg_id: id,
        message: null,
        signal_only: true,
      });
    }
    const [read] = await readMessages(db.pool, queue, { visibilityTimeoutSeconds: 30 });
    expect(read?.message).toEqual(big);
  });

  test('a message just under the threshold stays inline; just over, signal-only', async () => {
    const queue = workerQueueName('payments');
    // payload = head + message + tail; find the blob length where the payload reaches 7000 bytes
    const head = `{"queue":"${queue}","namespace":"payments","msg_id":`;
    const overhead = Buffer.byteLength(`${head}123,"message":{"b": ""},"signal_only":false}`);
    const fits = 6_999 - overhead - 2; // msg ids here have at most 3 digits; leave slack for 1–3
    for (const [length, signalOnly] of [
      [fits, false],
      [fits + 10, true],
    ] as const) {
      const mark = received.length;
      await sendWithNotify(db.pool, queue, { b: 'y'.repeat(length) });
      const [n] = await notificationsAfter(mark, 2);
      expect(parseMessageReady(n?.payload ?? '')?.signal_only).toBe(signalOnly);
    }
  });

  test('orchestration queues notify the orchestration channel; other queues their own name', async () => {
    await ensureQueue(db.pool, ORCHESTRATION_STEP_RESULTS_QUEUE);
    await ensureQueue(db.pool, 'plain_queue', { unlogged: true });
    const mark = received.length;
    await sendWithNotify(db.pool, ORCHESTRATION_STEP_RESULTS_QUEUE, {
      task_uuid: 't',
      step_uuid: 's',
      status: 'enqueued_for_orchestration',
      correlation_id: 'c',
    });
    await sendWithNotify(db.pool, 'plain_queue', { n: 1 });
    const got = await notificationsAfter(mark, 4);
    expect(got.map((n) => n.channel)).toEqual([
      `${MESSAGE_READY_CHANNEL}.orchestration`,
      MESSAGE_READY_CHANNEL,
      `${MESSAGE_READY_CHANNEL}.plain_queue`,
      MESSAGE_READY_CHANNEL,
    ]);
  });

  test('nothing is notified before commit, nor after rollback', async () => {
    const queue = workerQueueName('payments');
    const client = await db.pool.connect();
    try {
      const mark = received.length;
      await client.query('begin');
      await sendWithNotify(client, queue, { n: 'rolled back' });
      expect(await quietAfter(mark)).toEqual([]);
      await client.query('rollback');
      await client.query('begin');
      await sendWithNotify(client, queue, { n: 'committed' });
      expect(await quietAfter(mark)).toEqual([]);
      await client.query('commit');
      const got = await notificationsAfter(mark, 2);
      expect(
        got.map((n) => parseMessageReady(n.payload ?? '')).map((p) => p && 'message' in p && p.message),
      ).toEqual([{ n: 'committed' }, { n: 'committed' }]);
    } finally {
      client.release();
    }
  });
});

describe('batch send', () => {
  test('one notification per channel carries every id, in order, with the messages', async () => {
    const queue = workerQueueName('payments');
    await deleteMessages(
      db.pool,
      queue,
      (await readMessages(db.pool, queue, { visibilityTimeoutSeconds: 0, qty: 100 })).map((m) => m.msg_id),
    );
    const mark = received.length;
    const messages = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const ids = await sendBatchWithNotify(db.pool, queue, messages);
    expect(ids).toHaveLength(3);
    const got = await notificationsAfter(mark, 2);
    expect(got).toHaveLength(2);
    for (const n of got) {
      expect(parseMessageReady(n.payload ?? '')).toEqual({
        queue,
        namespace: 'payments',
        msg_ids: ids,
        messages,
        signal_only: false,
      });
    }
    const read = await readMessages(db.pool, queue, { visibilityTimeoutSeconds: 30, qty: 10 });
    expect(read.map((m) => m.msg_id)).toEqual(ids);
    expect(await archiveMessages(db.pool, queue, ids)).toEqual(ids);
  });

  test('a large batch goes out signal-only with all ids; over 256 ids split into 256-id notifications', async () => {
    const queue = workerQueueName('payments');
    let mark = received.length;
    const ids = await sendBatchWithNotify(db.pool, queue, [
      { blob: 'z'.repeat(4_000) },
      { blob: 'z'.repeat(4_000) },
    ]);
    let got = await notificationsAfter(mark, 2);
    expect(got.map((n) => parseMessageReady(n.payload ?? ''))).toEqual([
      { queue, namespace: 'payments', msg_ids: ids, messages: null, signal_only: true },
      { queue, namespace: 'payments', msg_ids: ids, messages: null, signal_only: true },
    ]);

    mark = received.length;
    const many = await sendBatchWithNotify(
      db.pool,
      queue,
      Array.from({ length: 600 }, (_, n) => ({ n })),
    );
    got = await notificationsAfter(mark, 6);
    const global = got.filter((n) => n.channel === MESSAGE_READY_CHANNEL);
    expect(global).toHaveLength(3);
    const parsed = global.map((n) => parseMessageReady(n.payload ?? ''));
    expect(parsed.map((p) => (p && 'msg_ids' in p ? p.msg_ids.length : 0))).toEqual([256, 256, 88]);
    expect(parsed.flatMap((p) => (p && 'msg_ids' in p ? p.msg_ids : []))).toEqual(many);
    for (const n of global) expect(Buffer.byteLength(n.payload ?? '')).toBeLessThan(7_000);
  });

  test('an empty batch sends and notifies nothing', async () => {
    const mark = received.length;
    expect(await sendBatchWithNotify(db.pool, workerQueueName('payments'), [])).toEqual([]);
    const [row] = (
      await db.pool.query<{ n: number }>(
        `select count(*)::int as n from tasker.pgmq_send_batch_with_notify('worker_payments_queue', '{}'::jsonb[])`,
      )
    ).rows;
    expect(row?.n).toBe(0);
    expect(await quietAfter(mark)).toEqual([]);
  });
});

describe('names', () => {
  test.each([
    ['a dot', 'worker_pay.ments_queue'],
    ['a space', 'worker pay'],
    ['a quote', 'worker"_queue'],
    ['a dash', 'worker-x'],
    ['empty', ''],
    ['48 characters', 'q'.repeat(48)],
    ['a 45-character namespace', 'n'.repeat(45)],
  ])('SQL refuses a queue name with %s (TKM01), before sending anything', async (_what, name) => {
    for (const call of [
      `select tasker.pgmq_send_with_notify($1, '{}'::jsonb)`,
      `select tasker.pgmq_send_batch_with_notify($1, array['{}'::jsonb])`,
    ]) {
      const error = await db.pool.query(call, [name]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: TASKER_SQLSTATE.invalidChannelQueueName });
      expect((error as Error).message).toContain(name);
    }
  });

  test('TypeScript refuses the same names before any query', async () => {
    for (const name of [
      'worker_pay.ments_queue',
      'worker pay',
      '',
      'q'.repeat(48),
      'n'.repeat(45),
      'Upper',
    ]) {
      await expect(sendWithNotify(db.pool, name, {})).rejects.toBeInstanceOf(InvalidQueueNameError);
      await expect(sendBatchWithNotify(db.pool, name, [{}])).rejects.toBeInstanceOf(InvalidQueueNameError);
    }
    await expect(readMessages(db.pool, 'bad;name', { visibilityTimeoutSeconds: 1 })).rejects.toBeInstanceOf(
      InvalidQueueNameError,
    );
  });

  test('an unknown queue is a typed error', async () => {
    await expect(sendWithNotify(db.pool, 'worker_missing_queue', {})).rejects.toBeInstanceOf(
      UnknownQueueError,
    );
  });

  test('SQL lower-cases mixed-case names, as PGMQ does', async () => {
    const mark = received.length;
    await sendWithNotify(db.pool, workerQueueName('payments'), {});
    await db.pool.query(`select tasker.pgmq_send_with_notify('Worker_Payments_Queue', '{}'::jsonb)`);
    const got = await notificationsAfter(mark, 4);
    expect(got.map((n) => n.channel)).toEqual([
      `${MESSAGE_READY_CHANNEL}.payments`,
      MESSAGE_READY_CHANNEL,
      `${MESSAGE_READY_CHANNEL}.payments`,
      MESSAGE_READY_CHANNEL,
    ]);
  });
});

describe('read helpers', () => {
  test('readWithPoll returns a message sent while it waits', async () => {
    const queue = 'poll_helper';
    await ensureQueue(db.pool, queue);
    const polling = readWithPoll(db.pool, queue, {
      visibilityTimeoutSeconds: 30,
      maxPollSeconds: 3,
      pollIntervalMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await sendWithNotify(db.pool, queue, { late: true });
    expect((await polling).map((m) => m.msg_id)).toEqual([id]);
    expect(await deleteMessages(db.pool, queue, [id, '999999'])).toEqual([id]);
  });
});
