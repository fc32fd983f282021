/**
 * Handlers in worker_threads: a fixed pool of threads, each with its own handler registry; a call
 * crosses the structured-clone boundary twice (context in, value out). The TypeScript analogue of the
 * reference system's FFI boundary, for CPU-heavy handlers that must not block the worker's event loop.
 */
import { Worker as Thread } from 'node:worker_threads';
import { StepHandlerError, WorkerClosedError, WorkerConfigError } from '../errors.ts';
import type { ThreadData, ThreadRequest, ThreadResponse, ThreadStepContext } from './threadProtocol.ts';

export interface HandlerThreadPoolOptions {
  /** threads (default 2) */
  size?: number;
  /** file URL of a module whose default export maps names to extra handlers */
  handlerModule?: string | URL;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Slot = { thread: Thread; pending: Map<number, Pending> };

export class HandlerThreadPool {
  readonly #slots: Slot[];
  #nextId = 0;
  #closed = false;

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  /** Starts the threads and resolves once every one is running. */
  static async start(options: HandlerThreadPoolOptions = {}): Promise<HandlerThreadPool> {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1)
      throw new WorkerConfigError(`size must be a positive integer, got ${size}`);
    const workerData: ThreadData = { handlerModule: options.handlerModule?.toString() };
    const slots = Array.from({ length: size }, (): Slot => {
      const thread = new Thread(new URL('./handlerThread.ts', import.meta.url), { workerData });
      return { thread, pending: new Map() };
    });
    const pool = new HandlerThreadPool(slots);
    for (const slot of slots) pool.#wire(slot);
    await Promise.all(slots.map((slot) => new Promise((resolve) => slot.thread.once('online', resolve))));
    return pool;
  }

  /** Runs `handler` on the least busy thread; rejects with StepHandlerError carrying the thread's error. */
  run(handler: string, context: ThreadStepContext): Promise<unknown> {
    if (this.#closed) return Promise.reject(new WorkerClosedError('HandlerThreadPool.run'));
    let slot = this.#slots[0] as Slot;
    for (const candidate of this.#slots) if (candidate.pending.size < slot.pending.size) slot = candidate;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.thread.postMessage({ id, handler, context } satisfies ThreadRequest);
    });
  }

  /** Terminates every thread; calls still pending reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.thread.terminate()));
    for (const slot of this.#slots) this.#rejectAll(slot, new WorkerClosedError('HandlerThreadPool'));
  }

  #wire(slot: Slot): void {
    slot.thread.on('message', (response: ThreadResponse) => {
      const pending = slot.pending.get(response.id);
      if (!pending) return;
      slot.pending.delete(response.id);
      if (response.ok) pending.resolve(response.value);
      else {
        const error = new StepHandlerError(response.error.message, {
          retryable: response.error.retryable,
          ...(response.error.backoffSeconds === undefined
            ? {}
            : { backoffSeconds: response.error.backoffSeconds }),
        });
        pending.reject(error);
      }
    });
    slot.thread.on('error', (error) => this.#rejectAll(slot, error));
    slot.thread.on('exit', () => this.#rejectAll(slot, new WorkerClosedError('handler thread exited')));
  }

  #rejectAll(slot: Slot, error: Error): void {
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
  }
}
