/**
 * LISTEN on a dedicated connection, with reconnect and a polling fallback.
 *
 * States and the events that move them on:
 *   idle          created; start() → connecting
 *   connecting    first connect + LISTEN; success → connected, failure → closed (start() rejects)
 *   connected     notifications flow; the connection drops (error or end, e.g. pg_terminate_backend)
 *                 or goes silent (a liveness query unanswered within livenessTimeoutMs) → reconnecting
 *   reconnecting  retries after capped, jittered exponential backoff; a new connection that has
 *                 LISTENed every channel → connected (and an immediate poll, reason 'reconnected')
 *
 * A connection can die without a reset (a host or NAT that drops its packets): the socket then looks
 * open until the OS's TCP keepalive gives up, two hours by default. So while connected, a `select 1`
 * runs every `livenessIntervalMs`; no answer within `livenessTimeoutMs` counts as a lost connection
 * (TCP keepalive is also turned on, with a short first probe, as a second line). Connect and setup
 * share the same deadline, so a reconnect attempt into a black hole fails and is retried too.
 *
 * Channels: the set given and added with listen() is LISTENed on every new connection; a channel
 * added (or removed) while a connection is being set up is LISTENed (UNLISTENed) before it counts as
 * connected, so no channel is ever missing from a live connection.
 *   closed        close() from any state: connection, timers and waiters released; final
 *
 * Notifications sent while no connection is listening are lost (PostgreSQL does not queue them for
 * a session that is gone). The polling fallback covers that: every `pollIntervalMs`, and right after
 * each reconnect, `onPoll` runs so consumers re-check their queues; a missed notification then
 * delays work by at most one interval but never loses it.
 */
import pg from 'pg';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import {
  InvalidChannelError,
  ListenerClosedError,
  ListenerConfigError,
  ListenerLivenessError,
  ListenerTimeoutError,
} from './listenerErrors.ts';

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
  /** a liveness query every this many ms while connected (default 5,000; 0: none) */
  livenessIntervalMs?: number;
  /** deadline of a liveness query and of a connection's setup (default 5,000 ms) */
  livenessTimeoutMs?: number;
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
  /** connections dropped because a liveness query or a setup missed its deadline */
  livenessFailures: number;
};

export type WaitOptions = { timeoutMs?: number };

const MAX_CHANNEL_BYTES = 63;
const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_LIVENESS_INTERVAL_MS = 5_000;
const DEFAULT_LIVENESS_TIMEOUT_MS = 5_000;

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
    livenessFailures: 0,
  };
  #state: ListenerState = 'idle';
  #client: pg.Client | undefined;
  #pid: number | undefined;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling = false;
  #livenessTimer: NodeJS.Timeout | undefined;
  readonly #livenessIntervalMs: number;
  readonly #livenessTimeoutMs: number;

  constructor(options: ListenerOptions<T>) {
    this.#options = options;
    this.#livenessIntervalMs = nonNegative(
      options.livenessIntervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS,
      'livenessIntervalMs',
    );
    this.#livenessTimeoutMs = nonNegative(
      options.livenessTimeoutMs ?? DEFAULT_LIVENESS_TIMEOUT_MS,
      'livenessTimeoutMs',
    );
    if (this.#livenessTimeoutMs === 0)
      throw new ListenerConfigError('PgEventListener: livenessTimeoutMs must be above 0');
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

  /** Adds a channel; LISTENs at once when connected, else while the next connection is set up. */
  async listen(channel: string): Promise<void> {
    this.#assertOpen('listen');
    if (this.#channels.has(checkChannel(channel))) return;
    this.#channels.add(channel);
    await this.#onCurrent(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Removes a channel. */
  async unlisten(channel: string): Promise<void> {
    this.#assertOpen('unlisten');
    if (!this.#channels.delete(channel)) return;
    await this.#onCurrent(`UNLISTEN ${pg.escapeIdentifier(channel)}`);
  }

  /** Runs `sql` on the live connection, if any; a connection lost meanwhile is not the caller's error (the next one is set up from #channels). */
  async #onCurrent(sql: string): Promise<void> {
    const client = this.#state === 'connected' ? this.#client : undefined;
    if (!client) return;
    try {
      await client.query(sql);
    } catch (error) {
      if (client === this.#client) throw error;
    }
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
    clearInterval(this.#livenessTimer);
    this.#reconnectTimer = undefined;
    this.#pollTimer = undefined;
    this.#livenessTimer = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client) await this.#release(client);
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
    const client = new pg.Client({
      // keepalive probes from 10 s: the OS's default first probe comes after two hours
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: this.#livenessTimeoutMs,
      ...(typeof config === 'string' ? { connectionString: config } : config),
    });
    // handlers before connect: an error on an idle client without a listener would crash the process
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('listener connection ended')));
    client.on('notification', (message) => this.#deliver(message));
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#setUp(client),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => {
            this.#stats.livenessFailures++;
            reject(
              new ListenerLivenessError(
                `listener connection setup had no answer within ${this.#livenessTimeoutMs} ms (livenessTimeoutMs)`,
              ),
            );
          }, this.#livenessTimeoutMs);
        }),
      ]);
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      // a setup past its deadline is on a silent path: no goodbye would be answered
      if (error instanceof ListenerLivenessError) client.connection.stream.destroy();
      await client.end().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(deadline);
    }
    if (this.#state === 'closed') {
      await this.#release(client);
      return;
    }
    this.#client = client;
    if (reconnecting) this.#stats.reconnects++;
    this.#startLiveness(client);
    this.#setState('connected');
  }

  /** Connects and LISTENs every channel, including those added (and not those removed) meanwhile. */
  async #setUp(client: pg.Client): Promise<void> {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    this.#pid = rows[0]?.pid;
    const listened = new Set<string>();
    for (;;) {
      const add = [...this.#channels].filter((channel) => !listened.has(channel));
      const remove = [...listened].filter((channel) => !this.#channels.has(channel));
      if (add.length === 0 && remove.length === 0) return;
      // one round trip for every change (a multi-statement simple query)
      await client.query(
        [
          ...add.map((channel) => `LISTEN ${pg.escapeIdentifier(channel)}`),
          ...remove.map((channel) => `UNLISTEN ${pg.escapeIdentifier(channel)}`),
        ].join(';'),
      );
      for (const channel of add) listened.add(channel);
      for (const channel of remove) listened.delete(channel);
    }
  }

  /**
   * Ends the connection in use at close(). A graceful end waits for the server's side of the close,
   * which a silent path (not yet noticed) never sends: after the liveness deadline the socket is
   * destroyed instead.
   */
  async #release(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      client.end().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#livenessTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!ended) client.connection.stream.destroy();
  }

  /** While `client` is the connection: a `select 1` every interval, which must answer within the timeout. */
  #startLiveness(client: pg.Client): void {
    if (this.#livenessIntervalMs === 0) return;
    let checking = false;
    this.#livenessTimer = setInterval(() => {
      if (checking || client !== this.#client) return;
      checking = true;
      const timeoutMs = this.#livenessTimeoutMs;
      const timer = setTimeout(() => {
        if (client !== this.#client) return; // already replaced or closed
        this.#stats.livenessFailures++;
        this.#lost(
          client,
          new ListenerLivenessError(
            `listener connection (backend ${this.#pid}) did not answer a liveness query within ${timeoutMs} ms; reconnecting`,
          ),
        );
      }, timeoutMs);
      client
        .query('select 1')
        .then(
          () => undefined,
          // a failed query means a failed connection: its 'error' or 'end' event reports it
          () => undefined,
        )
        .finally(() => {
          clearTimeout(timer);
          checking = false;
        });
    }, this.#livenessIntervalMs);
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
    clearInterval(this.#livenessTimer);
    this.#livenessTimer = undefined;
    this.#stats.disconnects++;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    // a silent connection would never answer a graceful end
    if (error instanceof ListenerLivenessError) client.connection.stream.destroy();
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

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0)
    throw new ListenerConfigError(`PgEventListener: ${name} must be a finite number >= 0, got ${value}`);
  return value;
}
