/**
 * PgEventListener on a healthy connection: delivery, parsing, channels added later, waitFor, and
 * close() releasing the connection and every timer.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { afterEach, describe, expect, test } from 'vitest';
import { type MessageReadyNotification, parseMessageReady } from '../queue/messageReady.ts';
import { ensureQueue, sendWithNotify } from '../queue/messaging.ts';
import { MESSAGE_READY_CHANNEL, messageReadyChannel, workerQueueName } from '../queue/queueNames.ts';
import { InvalidChannelError, ListenerClosedError, ListenerTimeoutError } from './listenerErrors.ts';
import { type ListenerOptions, PgEventListener } from './pgEventListener.ts';

const db = useTestDatabase();
const open: PgEventListener<unknown>[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((listener) => listener.close()));
});

async function started<T>(options: Omit<ListenerOptions<T>, 'connection'>): Promise<PgEventListener<T>> {
  const listener = new PgEventListener<T>({ connection: db.connectionString, ...options });
  open.push(listener as PgEventListener<unknown>);
  await listener.start();
  return listener;
}

async function notify(channel: string, payload: string): Promise<void> {
  await db.pool.query('select pg_notify($1, $2)', [channel, payload]);
}

/** Timers and sockets holding the event loop, by kind. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('receiving', () => {
  test('a notification arrives parsed, with its channel, sender and receive time', async () => {
    const listener = await started({ channels: ['events_a'] });
    expect(listener.state).toBe('connected');
    const before = performance.now();
    const waiting = listener.waitFor((e) => e.channel === 'events_a');
    await notify('events_a', '{"hello":"world"}');
    const event = await waiting;
    expect(event).toMatchObject({
      channel: 'events_a',
      payload: '{"hello":"world"}',
      data: { hello: 'world' },
    });
    expect(event.receivedAt).toBeGreaterThan(before);
    expect(event.receivedAt).toBeLessThanOrEqual(performance.now());
    expect(event.senderPid).toBeGreaterThan(0);
    expect(event.senderPid).not.toBe(listener.pid);
    expect(listener.stats.notifications).toBe(1);
  });

  test('a payload that is not JSON arrives as the raw string', async () => {
    const listener = await started({ channels: ['events_b'] });
    const waiting = listener.waitFor();
    await notify('events_b', 'not json');
    expect((await waiting).data).toBe('not json');
  });

  test('a notifying send reaches a listener on its namespace channel and the global one', async () => {
    const queue = workerQueueName('inventory');
    await ensureQueue(db.pool, queue);
    const listener = await started<MessageReadyNotification | null>({
      channels: [messageReadyChannel('inventory'), MESSAGE_READY_CHANNEL],
      parse: parseMessageReady,
    });
    const onNamespace = listener.waitFor((e) => e.channel === messageReadyChannel('inventory'));
    const onGlobal = listener.waitFor((e) => e.channel === MESSAGE_READY_CHANNEL);
    const id = await sendWithNotify(db.pool, queue, { task_uuid: 't', step_uuid: 's', correlation_id: 'c' });
    for (const event of await Promise.all([onNamespace, onGlobal])) {
      expect(event.data).toMatchObject({ queue, namespace: 'inventory', msg_id: id, signal_only: false });
    }
  });

  test('listen() adds a channel on the open connection; unlisten() removes it', async () => {
    const listener = await started({ channels: ['events_c'] });
    await listener.listen('events.with.dots');
    expect(listener.channels).toEqual(['events_c', 'events.with.dots']);
    const waiting = listener.waitFor((e) => e.channel === 'events.with.dots');
    await notify('events.with.dots', '1');
    expect((await waiting).data).toBe(1);
    await listener.unlisten('events.with.dots');
    const next = listener.waitFor();
    await notify('events.with.dots', '2');
    await notify('events_c', '3');
    expect((await next).channel).toBe('events_c');
    expect(listener.stats.notifications).toBe(2);
  });

  test('a channel name over 63 bytes is refused', () => {
    expect(
      () => new PgEventListener({ connection: db.connectionString, channels: ['c'.repeat(64)] }),
    ).toThrow(InvalidChannelError);
  });

  test('a parser that throws skips the event and counts a parse error', async () => {
    const errors: Error[] = [];
    const listener = await started({
      channels: ['events_d'],
      parse: (payload) => {
        if (payload === 'bad') throw new Error('unparseable');
        return payload;
      },
      onError: (error) => errors.push(error),
    });
    const waiting = listener.waitFor();
    await notify('events_d', 'bad');
    await notify('events_d', 'good');
    expect((await waiting).data).toBe('good');
    expect(listener.stats).toMatchObject({ notifications: 1, parseErrors: 1 });
    expect(errors.map((e) => e.message)).toEqual(['unparseable']);
  });
});

describe('waitFor', () => {
  test('rejects with ListenerTimeoutError when nothing matches in time', async () => {
    const listener = await started({ channels: ['events_e'] });
    await expect(listener.waitFor(() => true, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      ListenerTimeoutError,
    );
  });

  test('rejects with ListenerClosedError when the listener closes meanwhile', async () => {
    const listener = await started({ channels: ['events_f'] });
    const waiting = expect(listener.waitFor(() => true, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(
      ListenerClosedError,
    );
    await listener.close();
    await waiting;
    await expect(listener.waitFor()).rejects.toBeInstanceOf(ListenerClosedError);
  });
});

describe('close', () => {
  test('releases the connection, the poll timer and the waiters', async () => {
    const before = activeResources();
    let polls = 0;
    const listener = await started({
      channels: ['events_g'],
      pollIntervalMs: 10,
      onPoll: () => {
        polls++;
      },
    });
    const pid = listener.pid;
    await expect.poll(() => polls, { timeout: 1_000, interval: 5 }).toBeGreaterThan(0);
    await listener.close();
    await listener.close(); // idempotent
    expect(listener.state).toBe('closed');
    const pollsAtClose = polls;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(polls).toBe(pollsAtClose);
    const after = activeResources();
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    // the server ends the backend shortly after the client's Terminate message
    await expect
      .poll(
        async () =>
          (
            await db.pool.query<{ n: number }>(
              'select count(*)::int as n from pg_stat_activity where pid = $1',
              [pid],
            )
          ).rows[0]?.n,
        { timeout: 2_000, interval: 20 },
      )
      .toBe(0);
  });

  test('start() on an unreachable server rejects and leaves the listener closed', async () => {
    const url = new URL(db.connectionString);
    url.pathname = '/no_such_database_here';
    const listener = new PgEventListener({ connection: url.toString(), channels: ['x'] });
    await expect(listener.start()).rejects.toThrow(/no_such_database_here/);
    expect(listener.state).toBe('closed');
  });
});
