/**
 * Notify after commit (03_messaging.sql and AfterCommitNotifier): a session with
 * tasker.notify = 'after_commit' sends without notifying, every other session still notifies at
 * commit; the notifier sends a signal-only notification per request, coalescing the requests made
 * while one is in flight into one more, and never loses the last request.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AfterCommitNotifier, NOTIFY_AFTER_COMMIT_OPTION } from './afterCommitNotifier.ts';
import { MESSAGE_READY_CHANNEL } from './queueNames.ts';

const db = useTestDatabase();
const CHANNEL = `${MESSAGE_READY_CHANNEL}.after_commit`;
let listener: pg.Client;
let deferred: pg.Pool;
const received: pg.Notification[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: db.connectionString });
  await listener.connect();
  listener.on('notification', (n) => received.push(n));
  await listener.query(`LISTEN "${CHANNEL}"`);
  deferred = new pg.Pool({
    connectionString: db.connectionString,
    max: 2,
    options: NOTIFY_AFTER_COMMIT_OPTION,
  });
  await db.pool.query(`select pgmq.create('worker_after_commit_queue')`);
});

afterAll(async () => {
  await deferred?.end();
  await listener?.end();
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for notifications');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a session with tasker.notify = after_commit sends without notifying; others still notify', async () => {
  const from = received.length;
  const send = (pool: pg.Pool, n: number) =>
    pool.query(`select tasker.pgmq_send_with_notify('worker_after_commit_queue', $1::jsonb)`, [{ n }]);
  const sendBatch = (pool: pg.Pool, n: number) =>
    pool.query(`select tasker.pgmq_send_batch_with_notify('worker_after_commit_queue', array[$1::jsonb])`, [
      { n },
    ]);
  await send(deferred, 1);
  await sendBatch(deferred, 2);
  await send(db.pool, 3); // an ordinary session: notified at its commit
  await until(() => received.length > from);
  // notifications arrive in commit order: had the first two sends notified, theirs would come first
  const first = JSON.parse(received[from]?.payload ?? '{}') as { message?: { n?: number } };
  expect(first.message?.n).toBe(3);
  const { rows } = await db.pool.query<{ n: string }>(
    `select count(*) as n from pgmq.q_worker_after_commit_queue`,
  );
  expect(Number(rows[0]?.n)).toBe(3); // all three messages were sent
});

test('requests while one notification is in flight are coalesced into exactly one more', async () => {
  const from = received.length;
  const notifier = new AfterCommitNotifier(deferred);
  for (let i = 0; i < 20; i++) notifier.notify(CHANNEL);
  await notifier.flush();
  expect(notifier.sent).toBe(2);
  await until(() => received.length >= from + 2);
  expect(received.slice(from).map((n) => JSON.parse(n.payload ?? '{}'))).toEqual([
    { signal_only: true, after_commit: true },
    { signal_only: true, after_commit: true },
  ]);
  // idle again: the next request is sent at once, on its own
  notifier.notify(CHANNEL);
  await notifier.flush();
  expect(notifier.sent).toBe(3);
});

test('a failed notification is reported and does not wedge the channel', async () => {
  const errors: Error[] = [];
  const closed = new pg.Pool({ connectionString: db.connectionString, max: 1 });
  await closed.end();
  const notifier = new AfterCommitNotifier(closed, (error) => errors.push(error));
  notifier.notify(CHANNEL);
  await notifier.flush();
  notifier.notify(CHANNEL);
  await notifier.flush();
  expect(errors).toHaveLength(2);
  expect(notifier.sent).toBe(0);
});
