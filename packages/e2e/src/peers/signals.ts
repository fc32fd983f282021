/** Handlers signal bench code by key: `expect(key)` resolves when a handler calls `signal(key)`. */
export class Signals {
  readonly #waiting = new Map<string, () => void>();

  expect(key: string): Promise<void> {
    return new Promise<void>((resolve) => this.#waiting.set(key, resolve));
  }

  signal(key: string): void {
    const resolve = this.#waiting.get(key);
    this.#waiting.delete(key);
    resolve?.();
  }
}

/** Counts handler runs of a bulk run: time of the first start, resolves at the n-th end. */
export class BulkRun {
  readonly total: number;
  firstStart: number | undefined;
  #done = 0;
  #resolve: ((endedAt: number) => void) | undefined;
  readonly finished: Promise<number>;

  constructor(total: number) {
    this.total = total;
    this.finished = new Promise<number>((resolve) => {
      this.#resolve = resolve;
    });
  }

  started(): void {
    this.firstStart ??= performance.now();
  }

  ended(): void {
    this.#done++;
    if (this.#done === this.total) this.#resolve?.(performance.now());
  }

  /** ms from the first handler start to the last completion */
  async durationMs(): Promise<number> {
    const end = await this.finished;
    return end - (this.firstStart ?? end);
  }
}

/** Jobs a peer's own handlers finished, by kind, since it started (for the bench to check). */
export interface JobCounts {
  /** no-op jobs of the bulk runs */
  noop: number;
  /** enqueue → start probes */
  probe: number;
  /** chains whose 4th job finished */
  chains: number;
  /** diamonds whose last job (D) finished */
  diamonds: number;
}

export const noJobs = (): JobCounts => ({ noop: 0, probe: 0, chains: 0, diamonds: 0 });

export interface Peer {
  readonly name: string;
  /** live counts of the jobs this peer's handlers finished */
  readonly done: JobCounts;
  /** how the peer is configured, for the report */
  readonly configuration: string;
  /** (a) n no-op jobs enqueued at once; ms from the first handler start to the last completion */
  noopThroughput(n: number): Promise<number>;
  /** (b) enqueues one job; resolves when its handler has started */
  enqueueToStart(key: string): Promise<void>;
  /** (c) enqueues the first of 4 dependent jobs (each enqueues the next); resolves when the 4th is done */
  chainOfFour(key: string): Promise<void>;
  /** (d) a diamond of 4 jobs: A, then B and C (both after A, run in parallel), then D after both; resolves when D is done */
  diamond(key: string): Promise<void>;
  stop(): Promise<void>;
}
