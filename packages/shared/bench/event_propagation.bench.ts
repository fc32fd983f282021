/**
 * Event propagation: from `tasker.pgmq_send_with_notify` to the notification arriving in a
 * listener. Listeners are connected and LISTENing before any timing starts (tasker-core's version
 * also timed listener start-up and a 10 ms sleep; this one does not). The timed function is the
 * send (its own transaction, committed) and the wait for that msg_id's notification, nothing else.
 *
 * Cases: a payload-carrying notification (the message inline), signal-only (a message over 7 KB, so
 * the payload carries only the id), and fan-out to 5 listeners (until the last one has heard it).
 * The queues are logged, as the services create them, so every send waits for its commit's WAL
 * flush before anyone can be notified; one extra case on an unlogged queue shows that share.
 */
import { benchSettings, EVENT_PROPAGATION_NAMES, queueLength, benchTest as test } from '@tasker/bench-kit';
import {
  type ListenerEvent,
  type MessageReadyNotification,
  messageReadyChannel,
  notifiedMsgIds,
  PgEventListener,
  parseMessageReady,
  sendWithNotify,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';

const FAN_OUT_LISTENERS = 5;
/** a message whose notification payload passes the 7,000-byte inline limit */
const LARGE_MESSAGE_BYTES = 7_500;
/** how long a notification may take before the iteration fails */
const HEAR_TIMEOUT_MS = 5_000;

const smallMessage = (n: number) => ({
  task_uuid: '0192f1e2-0000-7000-8000-000000000001',
  step_uuid: '0192f1e2-0000-7000-8000-000000000002',
  correlation_id: `evt-${n}`,
});
const largeMessage = (n: number) => ({ ...smallMessage(n), padding: 'x'.repeat(LARGE_MESSAGE_BYTES) });

type Notification = MessageReadyNotification | null;

/**
 * Listeners on one namespace's channel, with `heardBy(msgId)`: resolves once every listener has
 * heard that msg_id (at once for those that already have; a notification may beat the send's reply).
 */
class Audience {
  readonly #listeners: PgEventListener<Notification>[];
  readonly #heard: Map<string, number>[];
  readonly #waiters = new Map<string, () => void>();
  readonly signalOnly: boolean[] = [];

  constructor(connectionString: string, channel: string, size: number) {
    this.#listeners = Array.from(
      { length: size },
      () =>
        new PgEventListener<Notification>({
          connection: connectionString,
          channels: [channel],
          parse: parseMessageReady,
        }),
    );
    this.#heard = this.#listeners.map(() => new Map<string, number>());
    this.#listeners.forEach((listener, i) => {
      listener.subscribe((event) => this.#onEvent(i, event));
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.#listeners.map((listener) => listener.start()));
  }

  async close(): Promise<void> {
    await Promise.all(this.#listeners.map((listener) => listener.close()));
  }

  #onEvent(i: number, event: ListenerEvent<Notification>): void {
    if (!event.data) return;
    if (i === 0) this.signalOnly.push(event.data.signal_only);
    for (const id of notifiedMsgIds(event.data)) {
      this.#heard[i]?.set(id, event.receivedAt);
      if (this.#heardByAll(id)) this.#waiters.get(id)?.();
    }
  }

  #heardByAll(id: string): boolean {
    return this.#heard.every((heard) => heard.has(id));
  }

  heardBy(id: string): Promise<void> {
    if (this.#heardByAll(id)) {
      this.#forget(id);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        reject(
          new Error(
            `msg_id ${id} not heard by all ${this.#listeners.length} listeners in ${HEAR_TIMEOUT_MS} ms`,
          ),
        );
      }, HEAR_TIMEOUT_MS);
      this.#waiters.set(id, () => {
        clearTimeout(timer);
        this.#waiters.delete(id);
        this.#forget(id);
        resolve();
      });
    });
  }

  #forget(id: string): void {
    for (const heard of this.#heard) heard.delete(id);
  }
}

type Case = {
  name: string;
  namespace: string;
  listeners: number;
  message: (n: number) => object;
  unlogged?: boolean;
  signalOnly: boolean;
};

const CASES: Case[] = [
  {
    name: 'payload notification',
    namespace: 'evt_payload',
    listeners: 1,
    message: smallMessage,
    signalOnly: false,
  },
  {
    name: 'signal-only notification',
    namespace: 'evt_signal',
    listeners: 1,
    message: largeMessage,
    signalOnly: true,
  },
  {
    name: EVENT_PROPAGATION_NAMES.fanOut({ listeners: FAN_OUT_LISTENERS }),
    namespace: 'evt_fanout',
    listeners: FAN_OUT_LISTENERS,
    message: smallMessage,
    signalOnly: false,
  },
  {
    name: 'payload notification (unlogged queue)',
    namespace: 'evt_unlogged',
    listeners: 1,
    message: smallMessage,
    unlogged: true,
    signalOnly: false,
  },
];

for (const c of CASES) {
  test(`event propagation: ${c.name}`, async ({ bench, db }) => {
    const queue = workerQueueName(c.namespace);
    await db.pool.query(c.unlogged ? 'select pgmq.create_unlogged($1)' : 'select pgmq.create($1)', [queue]);
    const audience = new Audience(db.connectionString, messageReadyChannel(c.namespace), c.listeners);
    const sender: pg.PoolClient = await db.pool.connect();
    let n = 0;
    try {
      await audience.start();
      const result = await bench(c.name, async () => {
        const id = await sendWithNotify(sender, queue, c.message(++n));
        await audience.heardBy(id);
      }).run(benchSettings('db'));
      expect(result.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('db').iterations);
      // every send (warm-up included) is in the queue, and was announced once, in the expected form
      expect(await queueLength(sender, queue)).toBe(n);
      expect(audience.signalOnly).toHaveLength(n);
      expect(audience.signalOnly.every((s) => s === c.signalOnly)).toBe(true);
    } finally {
      sender.release();
      await audience.close();
      await db.pool.query('select pgmq.drop_queue($1)', [queue]).catch(() => undefined);
    }
  });
}
