/**
 * Handlers in worker threads, on piscina: a fixed number of threads, each with its own handler
 * registry (the built-ins plus an optional handler module, loaded by URL: functions cannot cross a
 * thread); a call crosses the structured-clone boundary twice (request in, answer out). For
 * CPU-bound handlers that must not block the worker's event loop.
 *
 * A thread that exits or crashes mid-call fails only that call (HandlerThreadError); piscina starts
 * a replacement, so later calls run. A dispatch still running at its handler timeout has its thread
 * terminated — the only way to stop a synchronous handler — and fails with HandlerTimeoutError.
 */

import type { ClaimedStep } from '@tasker/shared';
import { Piscina } from 'piscina';
import { failedOutcome } from '../dispatch/dispatchStep.ts';
import type { StepOutcome } from '../dispatch/stepOutcome.ts';
import {
  HandlerThreadError,
  HandlerTimeoutError,
  StepHandlerError,
  WorkerClosedError,
  WorkerConfigError,
} from '../errors.ts';
import type { ThreadData, ThreadRequest, ThreadResponse, ThreadStepContext } from './threadProtocol.ts';

export interface HandlerThreadPoolOptions {
  /** threads (default 2) */
  size?: number;
  /** URL (or file: URL string) of a module whose default export maps names to extra handlers */
  handlerModule?: string | URL;
  /** errors with no call to fail: a thread that crashed while idle */
  onError?: (error: Error) => void;
}

const THREAD_FILE = new URL('./handlerThread.ts', import.meta.url).href;

export class HandlerThreadPool {
  /** the handlers the threads have (built-ins and the handler module's), sorted */
  readonly handlerNames: readonly string[];
  readonly #piscina: Piscina<ThreadRequest, ThreadResponse>;
  #closed = false;

  private constructor(piscina: Piscina<ThreadRequest, ThreadResponse>, handlerNames: readonly string[]) {
    this.#piscina = piscina;
    this.handlerNames = handlerNames;
  }

  /** Starts the threads; resolves once a thread has loaded the handlers (a bad module rejects here). */
  static async start(options: HandlerThreadPoolOptions = {}): Promise<HandlerThreadPool> {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1)
      throw new WorkerConfigError(`handler threads: size must be a positive integer, got ${size}`);
    const workerData: ThreadData = { handlerModule: options.handlerModule?.toString() };
    const piscina = new Piscina<ThreadRequest, ThreadResponse>({
      filename: THREAD_FILE,
      minThreads: size,
      maxThreads: size,
      workerData,
      // 'sync' parks an idle thread in Atomics.wait, which would freeze timers an async handler left behind
      atomics: 'async',
    });
    const onError = options.onError ?? (() => undefined);
    // an EventEmitter 'error' without a listener would throw in the worker's process
    piscina.on('error', (error: unknown) => onError(toError(error)));
    let names: string[];
    try {
      const response = await piscina.run({ kind: 'names' });
      names = response.kind === 'names' ? response.names : [];
    } catch (error) {
      await piscina.destroy();
      throw new WorkerConfigError(
        `handler threads could not load their handlers${options.handlerModule ? ` (handlerModule ${options.handlerModule})` : ''}: ${toError(error).message}`,
      );
    }
    return new HandlerThreadPool(piscina, names);
  }

  /** Threads currently running (replacements included). */
  get threads(): number {
    return this.#piscina.threads.length;
  }

  /**
   * Runs `handler` in a thread and resolves with its value. Rejects with StepHandlerError carrying the
   * handler's error and retry flag, HandlerThreadError when the thread died, WorkerClosedError after close().
   */
  async run(handler: string, context: ThreadStepContext): Promise<unknown> {
    const response = await this.#call({ kind: 'run', handler, context });
    if (response.kind !== 'run') throw new HandlerThreadError(`unexpected answer ${response.kind} to run`);
    if (response.ok) return response.value;
    throw new StepHandlerError(response.error.message, {
      retryable: response.error.retryable,
      ...(response.error.backoffSeconds === undefined
        ? {}
        : { backoffSeconds: response.error.backoffSeconds }),
    });
  }

  /**
   * The worker's dispatch of a claimed step (see dispatchStep), run in a thread. Never rejects but
   * with WorkerClosedError: a thread that died or ran past `timeoutMs` makes a failed, retryable outcome.
   */
  async dispatch(step: ClaimedStep, options: { timeoutMs: number }): Promise<StepOutcome> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await this.#call({ kind: 'dispatch', step, timeoutMs: options.timeoutMs }, timeout);
      if (response.kind !== 'dispatch')
        throw new HandlerThreadError(`unexpected answer ${response.kind} to dispatch`);
      return response.outcome;
    } catch (error) {
      if (error instanceof WorkerClosedError) throw error;
      return failedOutcome(error, started);
    }
  }

  /** Terminates every thread; calls still running reject with WorkerClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#piscina.destroy();
  }

  async #call(request: ThreadRequest, signal?: AbortSignal): Promise<ThreadResponse> {
    if (this.#closed) throw new WorkerClosedError('HandlerThreadPool');
    try {
      return await this.#piscina.run(request, signal ? { signal } : {});
    } catch (error) {
      if (this.#closed) throw new WorkerClosedError('HandlerThreadPool');
      const handler =
        request.kind === 'names' ? 'names' : request.kind === 'run' ? request.handler : request.step.handler;
      if (signal?.aborted && request.kind === 'dispatch')
        throw new HandlerTimeoutError(handler, request.timeoutMs);
      throw new HandlerThreadError(
        `the thread running handler ${handler} failed: ${toError(error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
