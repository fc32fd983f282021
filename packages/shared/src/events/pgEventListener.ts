/**
 * LISTEN on a dedicated connection, with reconnect and a polling fallback.
 *
 * States and the events that move them on:
 *   idle          created; start() → connecting
 *   connecting    first connect + LISTEN; success → connected, failure → closed (start() rejects)
 *   connected     notifications flow; the connection drops (error or end, e.g. pg_terminate_backend)
 *                 → reconnecting
 *   reconnecting  retries after capped, jittered exponential backoff; a new connection that has
 *                 re-LISTENed every channel → connected (and an immediate poll, reason 'reconnected')
 *   closed        close() from any state: connection, timers and waiters released; final
 *
 * Notifications sent while no connection is listening are lost (PostgreSQL does not queue them for
 * a session that is gone). The polling fallback covers that: every `pollIntervalMs`, and right after
 * each reconnect, `onPoll` runs so consumers re-check their queues; a missed notification then
 * delays work by at most one interval but never loses it.
 */
import pg from 'pg';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { InvalidChannelError, ListenerClosedError, ListenerTimeoutError } from './listenerErrors.ts';

export type ListenerState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** One notification as delivered to subscribers. */
export type ListenerEvent<T> = {
  channel: string;
  /** the payload as sent */
  payload: string;
  /** the payload through the listener's `parse` (by default JSON, or the raw string when not JSON) */
  data: T;
  /** performance.now() when the notification was handled (milliseconds, sub-microsecond resolution) */
  receivedAt: number;
  /** backend pid of the session that sent it */
  senderPid: number;
};

/** Why onPoll ran. */
export type PollReason = 'interval' | 'reconnected';

export type ListenerOptions<T> = {
  /** connection string or pg client config of the dedicated connection */
  connection: string | pg.ClientConfig;
  /** channels to LISTEN on from the start (more with listen()) */
  channels?: readonly string[];
  /** turns a payload into `data`; an exception skips the event and counts a parse error */
  parse?: (payload: string, channel: string) => T;
  reconnect?: BackoffOptions;
  /** interval of the polling fallback; 0 or absent = no interval (onPoll still runs after reconnects) */
  pollIntervalMs?: number;
  /** the polling fallback; a tick is skipped while the previous poll is still running */
  onPoll?: (reason: PollReason) => void | Promise<void>;
  /** errors that have no caller to throw to: lost connections, failed reconnects, subscriber and poll errors */
  onError?: (error: Error) => void;
};

export type ListenerStats = {
  notifications: number;
  parseErrors: number;
  /** connections lost while connected */
  disconnects: number;
  /** successful reconnects */
  reconnects: number;
  /** reconnect attempts that failed */
  failedReconnects: number;
  polls: number;
  pollErrors: number;
};

export type WaitOptions = { timeoutMs?: number };

const MAX_CHANNEL_BYTES = 63;
const DEFAULT_WAIT_MS = 5_000;

function defaultParse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

export class PgEventListener<T = unknown> {
  readonly #options: ListenerOptions<T>;
  readonly #channels = new Set<string>();
  readonly #subscribers = new Set<(event: ListenerEvent<T>) => void>();
  readonly #stateWatchers = new Set<(state: ListenerState) => void>();
  readonly #stats: ListenerStats = {
    notifications: 0,
    parseErrors: 0,
    disconnects: 0,
    reconnects: 0,
    failedReconnects: 0,
    polls: 0,
    pollErrors: 0,
  };
  #state: ListenerState = 'idle';
  #client: pg.Client | undefined;
  #pid: number | undefined;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(options: ListenerOptions<T>) {
    this.#options = options;
    for (const channel of options.channels ?? []) this.#channels.add(checkChannel(channel));
  }

  get state(): ListenerState {
    return this.#state;
  }

  /** Backend pid of the current connection (undefined while not connected). */
  get pid(): number | undefined {
    return this.#state === 'connected' ? this.#pid : undefined;
  }

  get channels(): readonly string[] {
    return [...this.#channels];
  }

  /** A snapshot of the counters. */
  get stats(): ListenerStats {
    return { ...this.#stats };
  }

  /** Connects and LISTENs; rejects (and closes) when the first connection fails. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`PgEventListener.start: already ${this.#state}`);
    this.#setState('connecting');
    try {
      await this.#connect();
    } catch (error) {
      await this.close();
      throw error;
    }
    const interval = this.#options.pollIntervalMs ?? 0;
    if (interval > 0 && this.#options.onPoll) {
      this.#pollTimer = setInterval(() => void this.#poll('interval'), interval);
    }
  }

  /** Adds a channel; LISTENs at once when connected, else on the next (re)connect. */
  async listen(channel: string): Promise<void> {
    this.#assertOpen('listen');
    if (this.#channels.has(checkChannel(channel))) return;
    this.#channels.add(channel);
    if (this.#state === 'connected') await this.#client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Removes a channel. */
  async unlisten(channel: string): Promise<void> {
    this.#assertOpen('unlisten');
    if (!this.#channels.delete(channel)) return;
    if (this.#state === 'connected') await this.#client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Calls `fn` for every notification until the returned function is called. */
  subscribe(fn: (event: ListenerEvent<T>) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** Calls `fn` on every state change until the returned function is called. */
  onStateChange(fn: (state: ListenerState) => void): () => void {
    this.#stateWatchers.add(fn);
    return () => this.#stateWatchers.delete(fn);
  }

  /**
   * Resolves with the first notification from now on that satisfies `predicate`; rejects with
   * ListenerTimeoutError after `timeoutMs` (default 5 s), ListenerClosedError on close().
   * Call it before the send it waits for.
   */
  waitFor(
    predicate: (event: ListenerEvent<T>) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<ListenerEvent<T>> {
    return this.#wait(options.timeoutMs, 'a matching notification', (done) =>
      this.subscribe((event) => predicate(event) && done(event)),
    );
  }

  /** Resolves once the listener is in `state` (at once if it already is). */
  waitForState(state: ListenerState, options: WaitOptions = {}): Promise<ListenerState> {
    if (this.#state === state) return Promise.resolve(state);
    return this.#wait(
      options.timeoutMs,
      `state ${state}`,
      (done) => this.onStateChange((s) => s === state && done(s)),
      state === 'closed',
    );
  }

  /** Stops listening and releases the connection, the timers and every waiter. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pollTimer);
    this.#reconnectTimer = undefined;
    this.#pollTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
    this.#subscribers.clear();
    this.#stateWatchers.clear();
  }

  #wait<R>(
    timeoutMs: number | undefined,
    what: string,
    register: (done: (value: R) => void) => () => void,
    closedIsSuccess = false,
  ): Promise<R> {
    if (this.#state === 'closed') return Promise.reject(new ListenerClosedError(`listener closed`));
    return new Promise<R>((resolve, reject) => {
      const ms = timeoutMs ?? DEFAULT_WAIT_MS;
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        unregister();
        unwatchClose();
        outcome();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new ListenerTimeoutError(`timed out after ${ms} ms waiting for ${what} (state ${this.#state})`),
            ),
          ),
        ms,
      );
      const unregister = register((value) => finish(() => resolve(value)));
      const unwatchClose = closedIsSuccess
        ? () => undefined
        : this.onStateChange((s) => {
            if (s === 'closed')
              finish(() => reject(new ListenerClosedError(`listener closed while waiting for ${what}`)));
          });
    });
  }

  async #connect(reconnecting = false): Promise<void> {
    const config = this.#options.connection;
    const client = new pg.Client(
      typeof config === 'string'
        ? { connectionString: config, keepAlive: true }
        : { keepAlive: true, ...config },
    );
    // handlers before connect: an error on an idle client without a listener would crash the process
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('listener connection ended')));
    client.on('notification', (message) => this.#deliver(message));
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      this.#pid = rows[0]?.pid;
      if (this.#channels.size > 0) {
        // one round trip for every channel (a multi-statement simple query)
        await client.query(
          [...this.#channels].map((channel) => `LISTEN ${pg.escapeIdentifier(channel)}`).join(';'),
        );
      }
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#state === 'closed') {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    if (reconnecting) this.#stats.reconnects++;
    this.#setState('connected');
  }

  #deliver(message: pg.Notification): void {
    const receivedAt = performance.now();
    const payload = message.payload ?? '';
    let data: T;
    try {
      data = this.#options.parse
        ? this.#options.parse(payload, message.channel)
        : (defaultParse(payload) as T);
    } catch (error) {
      this.#stats.parseErrors++;
      this.#report(error);
      return;
    }
    this.#stats.notifications++;
    const event: ListenerEvent<T> = {
      channel: message.channel,
      payload,
      data,
      receivedAt,
      senderPid: message.processId,
    };
    for (const fn of this.#subscribers) {
      try {
        fn(event);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** The current connection failed or ended: drop it and start reconnecting (once per connection). */
  #lost(client: pg.Client, error: Error): void {
    if (client !== this.#client || this.#state === 'closed') return;
    this.#client = undefined;
    this.#stats.disconnects++;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    this.#report(error);
    this.#setState('reconnecting');
    this.#attempt = 0;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect);
    this.#reconnectTimer = setTimeout(() => void this.#reconnect(), delay);
  }

  async #reconnect(): Promise<void> {
    this.#reconnectTimer = undefined;
    if (this.#state !== 'reconnecting') return;
    try {
      await this.#connect(true);
    } catch (error) {
      this.#stats.failedReconnects++;
      this.#report(error);
      if (this.#state === 'reconnecting') this.#scheduleReconnect();
      return;
    }
    if (this.#client === undefined) return; // closed while connecting
    void this.#poll('reconnected');
  }

  async #poll(reason: PollReason): Promise<void> {
    const onPoll = this.#options.onPoll;
    if (!onPoll || this.#polling || this.#state === 'closed') return;
    this.#polling = true;
    this.#stats.polls++;
    try {
      await onPoll(reason);
    } catch (error) {
      this.#stats.pollErrors++;
      this.#report(error);
    } finally {
      this.#polling = false;
    }
  }

  #setState(state: ListenerState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const fn of [...this.#stateWatchers]) {
      try {
        fn(state);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  #assertOpen(what: string): void {
    if (this.#state === 'closed')
      throw new ListenerClosedError(`PgEventListener.${what}: listener is closed`);
  }
}

function checkChannel(channel: string): string {
  const bytes = Buffer.byteLength(channel);
  if (bytes === 0 || bytes > MAX_CHANNEL_BYTES) {
    throw new InvalidChannelError(
      `invalid channel ${JSON.stringify(channel)}: PostgreSQL channel names are 1 to ${MAX_CHANNEL_BYTES} bytes`,
    );
  }
  return channel;
}
