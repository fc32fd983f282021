/**
 * Wakes listeners after a commit, for sessions that send with tasker.notify = 'after_commit'
 * (03_messaging.sql): `notify(channel)` sends a signal-only notification on the channel, with at
 * most one in flight per channel; requests made while one is in flight are coalesced into exactly
 * one more, sent when it returns. So every request is followed by a notification sent after it
 * (no lost wake-up for a commit that preceded the request), and a burst of commits costs two
 * notifying transactions instead of one each — the NOTIFY commit lock is what they all queue on.
 */
import type pg from 'pg';

/** When a service wakes listeners: inside its writing transaction (at commit), or after the commit. */
export type NotifyMode = 'in_transaction' | 'after_commit';

/** The libpq option that makes a connection's notifying sends leave the NOTIFY to the caller. */
export const NOTIFY_AFTER_COMMIT_OPTION = '-c tasker.notify=after_commit';

type ChannelState = { inFlight: boolean; again: boolean };

export class AfterCommitNotifier {
  readonly #pool: pg.Pool;
  readonly #onError: (error: Error) => void;
  readonly #channels = new Map<string, ChannelState>();
  readonly #sending = new Set<Promise<void>>();
  #notifications = 0;

  constructor(pool: pg.Pool, onError: (error: Error) => void = () => undefined) {
    this.#pool = pool;
    this.#onError = onError;
  }

  /** Notifications actually sent (requests coalesced into one count once). */
  get sent(): number {
    return this.#notifications;
  }

  /** Asks for a notification on `channel` after everything committed so far. Never throws. */
  notify(channel: string): void {
    let state = this.#channels.get(channel);
    if (!state) {
      state = { inFlight: false, again: false };
      this.#channels.set(channel, state);
    }
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    const sending = this.#send(channel, state);
    this.#sending.add(sending);
    void sending.finally(() => this.#sending.delete(sending));
  }

  /** Resolves when every requested notification has been sent (or has failed). */
  async flush(): Promise<void> {
    while (this.#sending.size > 0) await Promise.all(this.#sending);
  }

  async #send(channel: string, state: ChannelState): Promise<void> {
    try {
      do {
        state.again = false;
        try {
          // the payload has the signal-only shape of 03_messaging.sql: listeners read the queue
          await this.#pool.query('select pg_notify($1, $2)', [channel, SIGNAL_ONLY]);
          this.#notifications++;
        } catch (error) {
          // the listeners' polling fallback covers a lost wake-up
          this.#onError(error instanceof Error ? error : new Error(String(error)));
        }
      } while (state.again);
    } finally {
      state.inFlight = false;
    }
  }
}

const SIGNAL_ONLY = JSON.stringify({ signal_only: true, after_commit: true });
