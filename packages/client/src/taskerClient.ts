/**
 * The typed HTTP client of the orchestration API, on an undici Pool (keep-alive connections).
 *
 * Errors: an error status → TaskerHttpError (status and body); no connection after the bounded
 * retries → TaskerConnectionError. Retries happen on connection errors — for every request when the
 * connection could not be made (the request was never sent), and for GET / DELETE also when an
 * established connection broke — and on a 503 that says it may be repeated, after its Retry-After:
 * `overloaded` (admission control refused it, nothing was done) for every request,
 * `database_unavailable` for GET / DELETE. Nothing else is retried.
 *
 * waitForCompletion holds a long-poll request (`GET /v1/tasks/:uuid/wait`) that the orchestrator
 * answers when its LISTEN hears the task's completion notification: no polling quantum.
 */
import {
  type CancelledTask,
  type CreatedTask,
  type CreatedTasks,
  type CreateTaskRequest,
  type Health,
  isSucceededTaskState,
  MAX_WAIT_MS,
  type TaskDetail,
  type TaskPage,
  type WaitResult,
  type WorkflowStep,
  type WorkflowSteps,
} from '@tasker/shared/api';
import { Pool } from 'undici';
import { TaskerConnectionError, TaskerHttpError, TaskFailedError, TaskWaitTimeoutError } from './errors.ts';
import type { ListTasksOptions } from './types.ts';

export type TaskerClientOptions = {
  /** keep-alive connections to the server (default 10) */
  connections?: number;
  /** retries after a connection error (default 3); the delays double from retryDelayMs */
  retries?: number;
  /** default 50 ms */
  retryDelayMs?: number;
  /** per-request timeout for headers and body (default 30 s; waits get their own) */
  requestTimeoutMs?: number;
  /** the credential sent with every request (an API key or a JWT), as `Authorization: Bearer` */
  token?: string;
};

const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const BROKEN_CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

type Method = 'GET' | 'POST' | 'DELETE';

export class TaskerClient {
  readonly baseUrl: string;
  readonly #pool: Pool;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #timeoutMs: number;
  readonly #getHeaders: Record<string, string>;
  readonly #postHeaders: Record<string, string>;

  constructor(baseUrl: string, options: TaskerClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#pool = new Pool(this.baseUrl, { connections: options.connections ?? 10, pipelining: 1 });
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 50;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    const authorization: Record<string, string> = options.token
      ? { authorization: `Bearer ${options.token}` }
      : {};
    this.#getHeaders = { accept: 'application/json', ...authorization };
    this.#postHeaders = { 'content-type': 'application/json', accept: 'application/json', ...authorization };
  }

  /** POST /v1/tasks. 400 invalid body, 404 unknown template, 409 duplicate identity, 413 body too large. */
  createTask(request: CreateTaskRequest): Promise<CreatedTask> {
    return this.#request<CreatedTask>('POST', '/v1/tasks', request);
  }

  /**
   * POST /v1/tasks/batch: up to MAX_BATCH_TASKS tasks in one request and one transaction, all or
   * nothing; the created tasks in request order. 400 names the field (`tasks.3.namespace`), 409 a
   * duplicate identity with its index.
   */
  async createTasks(requests: readonly CreateTaskRequest[]): Promise<CreatedTask[]> {
    const { tasks } = await this.#request<CreatedTasks>('POST', '/v1/tasks/batch', { tasks: requests });
    return tasks;
  }

  getTask(taskUuid: string): Promise<TaskDetail> {
    return this.#request<TaskDetail>('GET', `/v1/tasks/${encodeURIComponent(taskUuid)}`);
  }

  listTasks(options: ListTasksOptions = {}): Promise<TaskPage> {
    const query = new URLSearchParams();
    if (options.namespace) query.set('namespace', options.namespace);
    if (options.state) query.set('state', options.state);
    if (options.page) query.set('page', String(options.page));
    if (options.perPage) query.set('per_page', String(options.perPage));
    const qs = query.toString();
    return this.#request<TaskPage>('GET', `/v1/tasks${qs ? `?${qs}` : ''}`);
  }

  /** DELETE /v1/tasks/:uuid. 409 when the task has already finished. */
  cancelTask(taskUuid: string): Promise<CancelledTask> {
    return this.#request<CancelledTask>('DELETE', `/v1/tasks/${encodeURIComponent(taskUuid)}`);
  }

  async listSteps(taskUuid: string): Promise<WorkflowStep[]> {
    const body = await this.#request<WorkflowSteps>(
      'GET',
      `/v1/tasks/${encodeURIComponent(taskUuid)}/workflow_steps`,
    );
    return body.steps;
  }

  health(): Promise<Health> {
    return this.#request<Health>('GET', '/health');
  }

  /**
   * Resolves when the task has finished and succeeded (complete or resolved_manually; see
   * FINISHED_TASK_STATES of @tasker/shared/api). Rejects with TaskFailedError when it finishes
   * otherwise (error, cancelled) or is blocked_by_failures — naming the failing step — and with
   * TaskWaitTimeoutError, carrying the last state, when `timeoutMs` (default 30 s) passes first.
   */
  async waitForCompletion(taskUuid: string, options: { timeoutMs?: number } = {}): Promise<WaitResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const remaining = Math.max(0, Math.ceil(deadline - performance.now()));
      // the longest one wait request may ask the server to hold
      const holdMs = Math.min(remaining, MAX_WAIT_MS);
      const result = await this.#request<WaitResult>(
        'GET',
        `/v1/tasks/${encodeURIComponent(taskUuid)}/wait?timeout_ms=${holdMs}`,
        undefined,
        holdMs + this.#timeoutMs,
      );
      if (result.completed) {
        if (isSucceededTaskState(result.state)) return result;
        throw new TaskFailedError(taskUuid, result.state, result.failed_step);
      }
      if (result.state === 'blocked_by_failures')
        throw new TaskFailedError(taskUuid, result.state, result.failed_step);
      if (performance.now() >= deadline) throw new TaskWaitTimeoutError(taskUuid, result.state, timeoutMs);
    }
  }

  /** Closes the pool's connections (in-flight requests finish first). */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #request<T>(method: Method, path: string, body?: unknown, timeoutMs = this.#timeoutMs): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let response: Awaited<ReturnType<Pool['request']>>;
      try {
        response = await this.#pool.request({
          method,
          path,
          headers: payload === undefined ? this.#getHeaders : this.#postHeaders,
          body: payload ?? null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const retryable =
          typeof code === 'string' &&
          (CONNECT_ERRORS.has(code) || (method !== 'POST' && BROKEN_CONNECTION_ERRORS.has(code)));
        if (!retryable) throw error;
        if (attempt > this.#retries)
          throw new TaskerConnectionError(`${method} ${this.baseUrl}${path}: ${code}`, attempt, {
            cause: error,
          });
        await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs * 2 ** (attempt - 1)));
        continue;
      }
      const text = await response.body.text();
      let parsed: unknown = text;
      if (text.length > 0) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the raw text (a proxy's HTML error page, say)
        }
      }
      if (response.statusCode === 503 && attempt <= this.#retries && retriable503(method, parsed)) {
        // the server said when to come back: nothing was done (overloaded), or the database is
        // away and the request (not a POST, which might have committed) can be repeated
        const seconds = Number(response.headers['retry-after']);
        // ±50 % jitter: clients told the same Retry-After do not all come back in the same instant
        const baseMs =
          Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : this.#retryDelayMs;
        const delayMs = baseMs * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        continue;
      }
      if (response.statusCode >= 400) throw new TaskerHttpError(method, path, response.statusCode, parsed);
      return parsed as T;
    }
  }
}

/** A 503 the client may repeat: admission control refused it (nothing was done), or a read or a cancel met an absent database. */
function retriable503(method: Method, body: unknown): boolean {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return code === 'overloaded' || (method !== 'POST' && code === 'database_unavailable');
}
