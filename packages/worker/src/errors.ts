/**
 * Typed errors of the worker. Each has a stable `code`; messages say what to do. Handlers throw
 * StepHandlerError to choose retry behaviour; any other error a handler throws is retryable.
 */
import { TaskerError } from '@tasker/shared';

/** Thrown by a handler to fail its step: `retryable: false` sends it straight to the error path. */
export class StepHandlerError extends TaskerError {
  readonly retryable: boolean;
  /** ask orchestration to retry after this many seconds (else its exponential backoff) */
  readonly backoffSeconds: number | undefined;
  constructor(
    message: string,
    options: ErrorOptions & { retryable?: boolean; backoffSeconds?: number } = {},
  ) {
    super('TASKER_STEP_HANDLER', message, options);
    this.retryable = options.retryable ?? true;
    this.backoffSeconds = options.backoffSeconds;
  }
}

/** A step names a handler this worker does not have (permanent: register it, or route the namespace elsewhere). */
export class UnknownHandlerError extends TaskerError {
  constructor(handler: string, known: readonly string[]) {
    super(
      'TASKER_UNKNOWN_HANDLER',
      `no handler ${JSON.stringify(handler)} in this worker's registry; registered: ${known.join(', ') || 'none'}`,
    );
  }
}

/** A handler ran past the worker's handler timeout (retryable; raise handlerTimeoutMs if it is legitimately slow). */
export class HandlerTimeoutError extends TaskerError {
  constructor(handler: string, timeoutMs: number) {
    super(
      'TASKER_HANDLER_TIMEOUT',
      `handler ${handler} did not finish within ${timeoutMs} ms (handlerTimeoutMs)`,
    );
  }
}

/** A handler's return value cannot be stored as JSON (cycles, functions); permanent. */
export class ResultSerializationError extends TaskerError {
  constructor(handler: string, options?: ErrorOptions) {
    super(
      'TASKER_RESULT_SERIALIZATION',
      `the result of handler ${handler} is not JSON-serializable`,
      options,
    );
  }
}

/** Invalid worker options (the message names the option). */
export class WorkerConfigError extends TaskerError {
  constructor(message: string) {
    super('TASKER_WORKER_CONFIG', message);
  }
}

/**
 * The worker thread running a handler exited (process.exit in the handler) or crashed (an uncaught
 * error) mid-call; retryable: the pool has started a replacement thread.
 */
export class HandlerThreadError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_HANDLER_THREAD', message, options);
  }
}

/** The worker or its thread pool was used after close(). */
export class WorkerClosedError extends TaskerError {
  constructor(what: string) {
    super('TASKER_WORKER_CLOSED', `${what}: already closed`);
  }
}
