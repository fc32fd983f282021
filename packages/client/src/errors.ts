/** Typed errors of the tasker client; each has a stable `code`. */
// the API entry point, not the package root: the client loads no database code
import { type FailedStep, TaskerError } from '@tasker/shared/api';

/** The server answered with an error status; `status` and the parsed `body` are kept. */
export class TaskerHttpError extends TaskerError {
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const detail = errorMessage(body);
    super('TASKER_HTTP_ERROR', `${method} ${path} → ${status}${detail ? `: ${detail}` : ''}`);
    this.status = status;
    this.body = body;
  }
  /** The API's error code (`validation_failed`, `duplicate_task`, …), when the body has one. */
  get apiCode(): string | undefined {
    const code = (this.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

/** The server could not be reached after the bounded retries (connection refused, reset, timeout). */
export class TaskerConnectionError extends TaskerError {
  readonly attempts: number;
  constructor(message: string, attempts: number, options?: ErrorOptions) {
    super(
      'TASKER_CONNECTION_ERROR',
      `${message} (after ${attempts} attempt(s)); is the orchestration service running?`,
      options,
    );
    this.attempts = attempts;
  }
}

/** waitForCompletion gave up: the task had not finished; `lastState` is the state it was in. */
export class TaskWaitTimeoutError extends TaskerError {
  readonly taskUuid: string;
  readonly lastState: string;
  constructor(taskUuid: string, lastState: string, timeoutMs: number) {
    super(
      'TASKER_WAIT_TIMEOUT',
      `task ${taskUuid} did not finish within ${timeoutMs} ms; last state ${lastState}`,
    );
    this.taskUuid = taskUuid;
    this.lastState = lastState;
  }
}

/** The task ended in error / blocked_by_failures (or was cancelled); `failedStep` names the step. */
export class TaskFailedError extends TaskerError {
  readonly taskUuid: string;
  readonly state: string;
  readonly failedStep: FailedStep | null;
  constructor(taskUuid: string, state: string, failedStep: TaskFailedError['failedStep']) {
    super(
      'TASKER_TASK_FAILED',
      `task ${taskUuid} ended ${state}${failedStep ? ` at step ${failedStep.name} (${failedStep.attempts} attempt(s))` : ''}`,
    );
    this.taskUuid = taskUuid;
    this.state = state;
    this.failedStep = failedStep;
  }
}

function errorMessage(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}
