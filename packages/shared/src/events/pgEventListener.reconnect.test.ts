/**
 * PgEventListener when its connection is killed (pg_terminate_backend from another session):
 * reconnect with backoff, re-LISTEN, the polling fallback while disconnected, and close() during a
 * reconnect. Backoffs are short so the file stays fast.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { type ListenerState, PgEventListener, type PollReason } from './pgEventListener.ts';

const db = useTestDatabase();
const open: PgEventListener[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((listener) => listener.close()));
});

function track(listener: PgEventListener): PgEventListener {
  open.push(listener);
  return listener;
}

async function terminate(pid: number | undefined): Promise<void> {
  expect(pid).toBeTypeOf('number');
  const { rows } = await db.pool.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
  expect(rows[0]?.ok).toBe(true);
}

async function notify(channel: string, payload: string): Promise<void> {
  await db.pool.query('select pg_notify($1, $2)', [channel, payload]);
}

test('reconnects after pg_terminate_backend, re-LISTENs every channel and receives again', async () => {
  const states: ListenerState[] = [];
  const errors: Error[] = [];
  const listener = track(
    new PgEventListener({
      connection: db.connectionString,
      channels: ['rc_one', 'rc.two'],
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      onError: (error) => errors.push(error),
    }),
  );
  listener.onStateChange((state) => states.push(state));
  await listener.start();
  const firstPid = listener.pid;

  await terminate(firstPid);
  await listener.waitForState('reconnecting', { timeoutMs: 2_000 });
  await listener.waitForState('connected', { timeoutMs: 3_000 });
  expect(listener.pid).not.toBe(firstPid);
  expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  expect(listener.stats).toMatchObject({ disconnects: 1, reconnects: 1 });
  expect(errors.some((e) => /terminat/i.test(e.message))).toBe(true);

  for (const channel of ['rc_one', 'rc.two']) {
    const waiting = listener.waitFor((e) => e.channel === channel, { timeoutMs: 2_000 });
    await notify(channel, `"after ${channel}"`);
    expect((await waiting).data).toBe(`after ${channel}`);
  }
});

test('the polling fallback fires while disconnected and right after reconnecting', async () => {
  const polls: { reason: PollReason; state: ListenerState }[] = [];
  const listener: PgEventListener = track(
    new PgEventListener({
      connection: db.connectionString,
      channels: ['poll_chan'],
      // a first retry after ~300 ms leaves several 30 ms poll ticks inside the outage
      reconnect: { initialDelayMs: 300, maxDelayMs: 300, jitter: 0 },
      pollIntervalMs: 30,
      onPoll: (reason) => {
        polls.push({ reason, state: listener.state });
      },
    }),
  );
  await listener.start();
  await terminate(listener.pid);
  await listener.waitForState('reconnecting', { timeoutMs: 2_000 });
  // sent during the outage: this notification is lost; the polls are what would find its message
  await notify('poll_chan', '"lost"');
  await listener.waitForState('connected', { timeoutMs: 3_000 });
  await new Promise((resolve) => setTimeout(resolve, 20));

  expect(
    polls.filter((p) => p.reason === 'interval' && p.state === 'reconnecting').length,
  ).toBeGreaterThanOrEqual(3);
  expect(polls.filter((p) => p.reason === 'reconnected')).toHaveLength(1);
  expect(listener.stats.notifications).toBe(0);
  expect(listener.stats.polls).toBe(polls.length);
});

test('keeps retrying with backoff while the database refuses connections', async () => {
  // ALTER DATABASE … allow_connections must run from another database
  const url = new URL(db.connectionString);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const listener = track(
      new PgEventListener({
        connection: db.connectionString,
        channels: ['refused_chan'],
        reconnect: { initialDelayMs: 20, maxDelayMs: 80, jitter: 0 },
      }),
    );
    await listener.start();
    await admin.query(`alter database ${admin.escapeIdentifier(db.name)} allow_connections false`);
    // the pool's connection is already open, so it is not refused
    await terminate(listener.pid);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(listener.state).toBe('reconnecting');
    const failed = listener.stats.failedReconnects;
    // delays 20, 40, 80, 80, … ms: about 5–7 failed attempts in 400 ms, not hundreds
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(failed).toBeLessThanOrEqual(10);
    await admin.query(`alter database ${admin.escapeIdentifier(db.name)} allow_connections true`);
    await listener.waitForState('connected', { timeoutMs: 2_000 });
    const waiting = listener.waitFor(() => true, { timeoutMs: 2_000 });
    await notify('refused_chan', '"back"');
    expect((await waiting).data).toBe('back');
  } finally {
    await admin.query(`alter database ${admin.escapeIdentifier(db.name)} allow_connections true`);
    await admin.end();
  }
});

test('close() during a reconnect cancels it and leaves no timer behind', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
  const before = timers();
  const listener = track(
    new PgEventListener({
      connection: db.connectionString,
      channels: ['close_chan'],
      reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 },
      pollIntervalMs: 1_000,
      onPoll: () => undefined,
    }),
  );
  await listener.start();
  await terminate(listener.pid);
  await listener.waitForState('reconnecting', { timeoutMs: 2_000 });
  expect(timers()).toBeGreaterThanOrEqual(before + 2);
  const closing = listener.waitForState('closed');
  await listener.close();
  expect(await closing).toBe('closed');
  expect(timers()).toBeLessThanOrEqual(before);
  expect(listener.stats.reconnects).toBe(0);
});
