/**
 * Typed errors of the shared core that TypeScript raises. Each has a stable `code`; messages say what
 * to do. The errors tasker's SQL raises, and the one map from their SQLSTATEs, are in
 * sqlErrors.ts; the listener's and the template validator's beside their modules.
 */

export class TaskerError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A migration file was edited after it had been applied, or the files are not numbered properly. */
export class MigrationError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_MIGRATION', message, options);
  }
}

/** A namespace name is not `^[a-z][a-z0-9_]{0,30}$`. */
export class InvalidNamespaceError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_NAMESPACE', message, options);
  }
}

/**
 * A tasker service (orchestration, a worker, a deployment under test) cannot serve: not started,
 * shutting down, or not answering at `url`. `hint` says what to do about it.
 */
export class ServiceUnavailableError extends TaskerError {
  readonly service: string;
  readonly url: string | undefined;
  constructor(
    service: string,
    problem: string,
    { url, hint, ...options }: ErrorOptions & { url?: string; hint?: string } = {},
  ) {
    super(
      'TASKER_SERVICE_UNAVAILABLE',
      `${service}${url ? ` at ${url}` : ''} is unavailable: ${problem}${hint ? ` → ${hint}` : ''}`,
      options,
    );
    this.service = service;
    this.url = url;
  }
}
