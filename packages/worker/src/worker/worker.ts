/**
 * The worker: claims steps from worker_<namespace>_queue, runs their handlers and hands the results
 * back, with at most `concurrency` steps in flight.
 *
 * Each queue has a fetch loop, in one of two states:
 *   idle      nothing known to be waiting; a wake-up (a pgmq_message_ready.<ns> notification, the
 *             polling fallback, a freed slot while work was wanted, start()) → fetching
 *   fetching  claim up to the free slots (one round trip); every claimed step starts running; the
 *             loop repeats while a claim came back full or a wake-up arrived meanwhile, else → idle.
 *             With no free slot it stops and is woken again when a step finishes.
 * A missed notification therefore delays work by at most `pollIntervalMs`, never loses it.
 *
 * Each claimed step: handler (dispatchStep, under handlerTimeoutMs; with `handlerThreads`, the same
 * dispatch in a worker thread of a HandlerThreadPool) → submit_step_result (retried
 * on connection errors; safe, because the claim's attempt fences out duplicates). A worker that
 * dies mid-step leaves the message hidden until its visibility timeout; then any worker takes the
 * expired claim over (see 11_worker_claim_submit.sql).
 *
 * close(): stops claiming (listener and timers closed), waits for in-flight steps (up to
 * drainTimeoutMs; anything still running is left to the visibility timeout), then ends the handler
 * threads and the pool.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Context, context } from '@opentelemetry/api';
import {
  AfterCommitNotifier,
  type ClaimedStep,
  type Completion,
  claimStepMessages,
  completeStep,
  completeSteps,
  ensureTaskerQueues,
  isClaimed,
  type ListenerState,
  messageReadyChannel,
  NOTIFY_AFTER_COMMIT_OPTION,
  type NotifyMode,
  namespaceFromQueue,
  ORCHESTRATION_NAMESPACE,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  PgEventListener,
  type ResultHandoff,
  type StepToComplete,
  submitStepResult,
  workerQueueName,
} from '@tasker/shared';
import pg from 'pg';
import { dispatchStep } from '../dispatch/dispatchStep.ts';
import type { StepOutcome } from '../dispatch/stepOutcome.ts';
import { WorkerClosedError, WorkerConfigError } from '../errors.ts';
import { createHandlerRegistry, type HandlerRegistry } from '../handlers/handlerRegistry.ts';
import { HandlerThreadPool, type HandlerThreadPoolOptions } from '../threads/handlerThreadPool.ts';
import { inSpan, recordClaimSpan, stepAttributes } from './tracing.ts';
import { emptyMetrics, type WorkerMetricsSnapshot } from './workerMetrics.ts';

export interface WorkerOptions {
  /** the tasker database */
  connectionString: string;
  /** namespaces to serve: one queue worker_<namespace>_queue each */
  namespaces: readonly string[];
  /** steps in flight at most (default 10) */
  concurrency?: number;
  /** default: the built-in handlers (in-process; for threads see handlerThreads) */
  handlers?: HandlerRegistry;
  /**
   * Run the handlers in worker threads (a HandlerThreadPool of `size` threads, default 2), so that
   * CPU-bound handlers do not block claiming and submitting. The threads' handlers are the built-ins
   * plus `handlerModule`'s (a module URL: functions cannot cross a thread), not `handlers`.
   * Handlers in threads get no `context.db`. A claimed step waits for a free thread, and the wait
   * counts toward handlerTimeoutMs (its lease runs meanwhile): for CPU-bound handlers keep
   * `concurrency` near `size`.
   */
  handlerThreads?: Omit<HandlerThreadPoolOptions, 'onError'>;
  /** a claim's lease, seconds (default 30); a dead worker's steps are retried after it */
  visibilityTimeoutSeconds?: number;
  /** handlers still running after this fail, retryable (default 25,000; must be below the lease) */
  handlerTimeoutMs?: number;
  /** the polling fallback behind LISTEN (default 1,000 ms) */
  pollIntervalMs?: number;
  /** connections of the worker's pool (default concurrency + 2) */
  poolSize?: number;
  /** recorded in the steps' transition metadata (default host:pid:random) */
  workerId?: string;
  /** how long close() waits for in-flight steps by default (default 30,000 ms) */
  drainTimeoutMs?: number;
  /**
   * How a result reaches orchestration (default 'inline'): applied by the worker in the submit's own
   * transaction — a success through tasker.complete_step (migration 000019: next steps enqueued, or
   * claimed for this worker at once up to its free slots, the task finalized), a failure through
   * submit_step_result_inline (11_worker_claim_submit.sql) — or 'queue': as a message on orchestration_step_results that
   * an orchestrator processes (the seed design: one more hop and transaction per step).
   */
  resultHandoff?: ResultHandoff;
  /**
   * When the wake-up of a submit's result (or, inline, of the steps it enqueued) is sent: inside the
   * submit's transaction, delivered at its commit ('in_transaction', default: the lowest latency),
   * or by the worker after the commit, coalesced per channel ('after_commit', 03_messaging.sql), so
   * submits never queue on PostgreSQL's NOTIFY commit lock: more throughput under load, one more
   * round trip per hop when idle.
   */
  notify?: NotifyMode;
  /** errors with no caller: lost listener connections, failed claims or submits */
  onError?: (error: Error) => void;
  /** the LISTEN connection changed state (connected, reconnecting, …): logs say when the database is lost and back */
  onListenerState?: (state: ListenerState) => void;
}

export interface CloseOptions {
  /** stop waiting for in-flight steps after this long (they are then left to the visibility timeout) */
  drainTimeoutMs?: number;
}

type QueueLoop = { queue: string; fetching: boolean; wanted: boolean };

/** Successful steps of one queue waiting for a completion call, and the calls in flight. */
type CompletionBatch = {
  pending: Array<{ item: StepToComplete; resolve: (c: Completion) => void; reject: (e: unknown) => void }>;
  inFlight: number;
};

/**
 * Completion calls in flight per queue. A success that finishes while they are all busy waits for
 * the next one, together with every other that finished meanwhile (natural batching: no added
 * latency when idle, one round trip and one commit for many steps under load). Two, so that a
 * worker's completions can use both of a small server's cores.
 */
const COMPLETIONS_IN_FLIGHT = 2;

const SUBMIT_RETRIES = 3;

export class Worker {
  readonly workerId: string;
  readonly #options: Required<
    Omit<WorkerOptions, 'onError' | 'onListenerState' | 'handlers' | 'handlerThreads' | 'workerId'>
  >;
  readonly #threadOptions: WorkerOptions['handlerThreads'];
  #threads: HandlerThreadPool | undefined;
  readonly #onListenerState: ((state: ListenerState) => void) | undefined;
  readonly #registry: HandlerRegistry;
  readonly #onError: (error: Error) => void;
  readonly #pool: pg.Pool;
  readonly #notifier: AfterCommitNotifier | undefined;
  readonly #loops = new Map<string, QueueLoop>();
  readonly #completions = new Map<string, CompletionBatch>();
  readonly #running = new Set<Promise<void>>();
  readonly #metrics = emptyMetrics();
  #listener: PgEventListener<string> | undefined;
  #state: 'idle' | 'running' | 'closing' | 'closed' = 'idle';
  #idleWaiters: Array<() => void> = [];
  #closed: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    const concurrency = options.concurrency ?? 10;
    const vt = options.visibilityTimeoutSeconds ?? 30;
    const handlerTimeoutMs = options.handlerTimeoutMs ?? Math.min(25_000, Math.max(1, vt * 1000 - 1000));
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new WorkerConfigError(`concurrency must be a positive integer, got ${concurrency}`);
    if (!Number.isInteger(vt) || vt < 1)
      throw new WorkerConfigError(`visibilityTimeoutSeconds must be a positive integer, got ${vt}`);
    if (!(handlerTimeoutMs > 0 && handlerTimeoutMs < vt * 1000))
      throw new WorkerConfigError(
        `handlerTimeoutMs (${handlerTimeoutMs}) must be positive and below visibilityTimeoutSeconds (${vt} s), so a live worker never loses its claim`,
      );
    if (options.namespaces.length === 0)
      throw new WorkerConfigError('namespaces must name at least one namespace');
    if (options.handlers && options.handlerThreads)
      throw new WorkerConfigError(
        'handlers and handlerThreads exclude each other: handlers are functions, which cannot cross into a thread; give handlerThreads.handlerModule instead',
      );
    this.#threadOptions = options.handlerThreads;
    for (const namespace of options.namespaces) {
      const queue = workerQueueName(namespace);
      this.#loops.set(namespace, { queue, fetching: false, wanted: false });
    }
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#registry = options.handlers ?? createHandlerRegistry();
    this.#onError = options.onError ?? (() => undefined);
    this.#onListenerState = options.onListenerState;
    this.#options = {
      connectionString: options.connectionString,
      namespaces: [...options.namespaces],
      concurrency,
      visibilityTimeoutSeconds: vt,
      handlerTimeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      poolSize: options.poolSize ?? concurrency + 2,
      drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
      resultHandoff: options.resultHandoff ?? 'inline',
      notify: options.notify ?? 'in_transaction',
    };
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: this.#options.poolSize,
      ...(this.#options.notify === 'after_commit' ? { options: NOTIFY_AFTER_COMMIT_OPTION } : {}),
    });
    this.#pool.on('error', (error) => this.#onError(error));
    this.#notifier =
      this.#options.notify === 'after_commit'
        ? new AfterCommitNotifier(this.#pool, (error) => this.#onError(error))
        : undefined;
  }

  get state(): 'idle' | 'running' | 'closing' | 'closed' {
    return this.#state;
  }

  /** A snapshot of the counters. */
  get metrics(): WorkerMetricsSnapshot {
    return { ...this.#metrics, skipped: { ...this.#metrics.skipped }, inFlight: this.#running.size };
  }

  get namespaces(): readonly string[] {
    return this.#options.namespaces;
  }

  /** Whether the LISTEN connection is up (the polling fallback works without it). */
  get listening(): boolean {
    return this.#listener?.state === 'connected';
  }

  /** Creates missing queues, LISTENs, and starts claiming (also what is already waiting). */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new WorkerConfigError(`Worker.start: already ${this.#state}`);
    this.#state = 'running';
    try {
      if (this.#threadOptions)
        this.#threads = await HandlerThreadPool.start({
          ...this.#threadOptions,
          onError: (error) => this.#onError(error),
        });
      // through the owner's function: the worker role may not create tables (12_access.sql)
      await ensureTaskerQueues(this.#pool, [
        ...[...this.#loops.values()].map(({ queue }) => queue),
        ORCHESTRATION_STEP_RESULTS_QUEUE,
      ]);
      const channels = new Map([...this.#loops.keys()].map((ns) => [messageReadyChannel(ns), ns]));
      this.#listener = new PgEventListener<string>({
        connection: this.#options.connectionString,
        channels: [...channels.keys()],
        parse: (payload) => payload,
        pollIntervalMs: this.#options.pollIntervalMs,
        onPoll: () => this.#wakeAll(),
        onError: (error) => this.#onError(error),
      });
      const onListenerState = this.#onListenerState;
      if (onListenerState) this.#listener.onStateChange(onListenerState);
      this.#listener.subscribe((event) => {
        const namespace = channels.get(event.channel);
        if (namespace !== undefined) this.#wake(namespace);
      });
      await this.#listener.start();
    } catch (error) {
      await this.close({ drainTimeoutMs: 0 });
      throw error;
    }
    this.#wakeAll();
  }

  /** Resolves when no step is in flight. */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops claiming, waits for in-flight steps (bounded), releases every connection. Idempotent. */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closed ??= this.#close(options);
    return this.#closed;
  }

  async #close(options: CloseOptions): Promise<void> {
    this.#state = 'closing';
    await this.#listener?.close();
    const drainMs = options.drainTimeoutMs ?? this.#options.drainTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      }),
    ]);
    clearTimeout(timer);
    this.#state = 'closed';
    await this.#threads?.close();
    await this.#notifier?.flush();
    await this.#pool.end();
  }

  #wakeAll(): void {
    for (const namespace of this.#loops.keys()) this.#wake(namespace);
  }

  #wake(namespace: string): void {
    const loop = this.#loops.get(namespace);
    if (loop === undefined || this.#state !== 'running') return;
    loop.wanted = true;
    if (!loop.fetching) void this.#fetch(loop);
  }

  async #fetch(loop: QueueLoop): Promise<void> {
    loop.fetching = true;
    try {
      while (loop.wanted && this.#state === 'running') {
        const free = this.#options.concurrency - this.#running.size;
        if (free <= 0) return; // stays wanted: a finishing step wakes it
        loop.wanted = false;
        const started = performance.now();
        const results = await claimStepMessages(this.#pool, loop.queue, {
          visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds,
          qty: free,
          workerId: this.workerId,
        });
        const ended = performance.now();
        this.#metrics.claimCalls++;
        this.#metrics.claimMs += ended - started;
        for (const result of results) {
          if (!isClaimed(result)) {
            this.#metrics.skipped[result.outcome]++;
            continue;
          }
          if (result.outcome === 'reclaimed') this.#metrics.reclaimed++;
          else this.#metrics.claimed++;
          this.#track(this.#execute(result, recordClaimSpan(result, started, ended)));
        }
        if (results.length === free) loop.wanted = true;
      }
    } catch (error) {
      // the polling fallback tries again
      this.#metrics.dbErrors++;
      this.#onError(toError(error));
    } finally {
      loop.fetching = false;
    }
  }

  #track(run: Promise<void>): void {
    this.#running.add(run);
    void run.finally(() => {
      this.#running.delete(run);
      if (this.#running.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      for (const [namespace, loop] of this.#loops) if (loop.wanted && !loop.fetching) this.#wake(namespace);
    });
  }

  async #execute(step: ClaimedStep, parent: Context): Promise<void> {
    const attributes = stepAttributes(step);
    try {
      const outcome = await inSpan('handler.execute', parent, attributes, async (span) => {
        const timeoutMs = this.#options.handlerTimeoutMs;
        const threads = this.#threads;
        const result = await context.with(parent, () =>
          threads
            ? threads.dispatch(step, { timeoutMs })
            : dispatchStep(this.#registry, step, { timeoutMs, db: this.#pool }),
        );
        span.setAttribute('tasker.outcome', result.state);
        return result;
      });
      this.#metrics.handlerMs += outcome.durationMs;
      if (outcome.state === 'completed') this.#metrics.completed++;
      else this.#metrics.failed++;
      const completion = await inSpan('result.submit', parent, attributes, async (span) => {
        const done = await this.#submit(step, outcome).catch((error: unknown) => {
          // PostgreSQL refused the results themselves (SQLSTATE class 22: a \u0000 or a lone
          // surrogate jsonb cannot store, a number out of range): the same results would be refused on
          // every attempt, and a claim left in_progress is taken over and run again forever. Fail the
          // step instead, not retryable, with the reason stored on it.
          if (!isDataError(error)) throw error;
          if (outcome.state === 'completed') {
            this.#metrics.completed--;
            this.#metrics.failed++;
          }
          return this.#submit(step, unstorableResults(outcome, error));
        });
        span.setAttribute('tasker.submit_status', done.status);
        // inline: this span also enqueued the next steps (the phase breakdown reads it)
        span.setAttribute('tasker.result_handoff', this.#options.resultHandoff);
        span.setAttribute('tasker.successors_claimed', done.successors.length);
        return done;
      });
      // the steps this completion made ready and claimed for this worker: no wake-up, no claim trip
      // (their step.claim span is empty, at the end of the submit that claimed them)
      const submitEnded = performance.now();
      for (const successor of completion.successors) {
        this.#metrics.claimed++;
        this.#track(this.#execute(successor, recordClaimSpan(successor, submitEnded, submitEnded, true)));
      }
    } catch (error) {
      // the claim stays in_progress; its message reappears after the visibility timeout
      this.#metrics.dbErrors++;
      this.#onError(toError(error));
    }
  }

  /** Completes a successful step through its queue's batch (see COMPLETIONS_IN_FLIGHT). */
  #complete(item: StepToComplete): Promise<Completion> {
    const queue = item.step.queue;
    let batch = this.#completions.get(queue);
    if (batch === undefined) {
      batch = { pending: [], inFlight: 0 };
      this.#completions.set(queue, batch);
    }
    const target = batch;
    const done = new Promise<Completion>((resolve, reject) => target.pending.push({ item, resolve, reject }));
    this.#flushCompletions(queue, target);
    return done;
  }

  #flushCompletions(queue: string, batch: CompletionBatch): void {
    if (batch.inFlight >= COMPLETIONS_IN_FLIGHT || batch.pending.length === 0) return;
    const waiting = batch.pending.splice(0);
    const items = waiting.map((entry) => entry.item);
    // each completed step frees its slot for a successor; the worker's other free slots too, unless
    // another call in flight has already offered them
    const free = Math.max(0, this.#options.concurrency - this.#running.size);
    const options = {
      claimQty: this.#state === 'running' ? items.length + (batch.inFlight === 0 ? free : 0) : 0,
      visibilityTimeoutSeconds: this.#options.visibilityTimeoutSeconds,
      workerId: this.workerId,
    };
    batch.inFlight++;
    this.#metrics.completionCalls++;
    const [only] = items;
    const call =
      items.length === 1 && only
        ? completeStep(this.#pool, only.step, only.outcome, options).then(
            (completion) => new Map([[only.step.stepUuid, completion]]),
          )
        : completeSteps(this.#pool, queue, items, options);
    void call
      .then(
        (completions) => {
          for (const entry of waiting) {
            const completion = completions.get(entry.item.step.stepUuid);
            if (completion) entry.resolve(completion);
            else entry.reject(new Error(`no completion for step ${entry.item.step.stepUuid}`));
          }
        },
        (error: unknown) => {
          if (waiting.length === 1) {
            waiting[0]?.reject(error);
            return;
          }
          // the batch failed as a whole (one step's results refused, a lost connection): each step
          // on its own, so a bad one fails alone
          for (const entry of waiting)
            completeStep(this.#pool, entry.item.step, entry.item.outcome, { ...options, claimQty: 1 }).then(
              entry.resolve,
              entry.reject,
            );
        },
      )
      .finally(() => {
        batch.inFlight--;
        this.#flushCompletions(queue, batch);
      });
  }

  async #submit(step: ClaimedStep, outcome: StepOutcome): Promise<Completion> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const inline = this.#options.resultHandoff === 'inline';
        const completion =
          inline && outcome.state === 'completed'
            ? await this.#complete({ step, outcome })
            : {
                status: await submitStepResult(this.#pool, step, outcome, this.#options.resultHandoff),
                successors: [],
              };
        const { status } = completion;
        this.#metrics.submitMs += performance.now() - started;
        // queue: wake orchestration for the result; inline: wake this queue's workers for the steps
        // the submit may have enqueued
        if (status === 'submitted')
          this.#notifier?.notify(
            messageReadyChannel(inline ? namespaceFromQueue(step.queue) : ORCHESTRATION_NAMESPACE),
          );
        this.#metrics[status]++;
        return completion;
      } catch (error) {
        if (attempt >= SUBMIT_RETRIES || this.#state === 'closed' || !isConnectionError(error)) throw error;
        this.#onError(toError(error));
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }
}

/** Starts a worker (see Worker) and returns it once it listens and has looked for waiting work. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const worker = new Worker(options);
  await worker.start();
  return worker;
}

/** SQLSTATE class 22 (data exception): the values were refused, not the connection. */
function isDataError(error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('22');
}

/** The failed outcome submitted in place of results the database refused. */
function unstorableResults(outcome: StepOutcome, error: unknown): StepOutcome {
  const refused = toError(error);
  const info = {
    name: 'UnstorableResultError',
    code: 'code' in refused ? String(refused.code) : undefined,
    message: `the step's ${outcome.state === 'completed' ? 'results' : 'error'} could not be stored: ${refused.message}`,
  };
  return {
    state: 'failed',
    results: JSON.stringify({ error: { ...info, retryable: false } }),
    error: info,
    retryable: false,
    backoffSeconds: undefined,
    durationMs: outcome.durationMs,
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Errors worth a retry: no SQLSTATE (socket errors) or class 08 (connection exception) / 57P (shutdown). */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof WorkerClosedError) return false;
  const code = 'code' in error ? String(error.code) : '';
  return code === '' || code.startsWith('08') || code.startsWith('57P') || /^E[A-Z]+$/.test(code);
}
