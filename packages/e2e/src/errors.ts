/** Errors of the e2e system runner, each with a stable code and what to do about it. */

export class SystemError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A service of a running deployment (TASKER_TEST_*_URL) did not answer its health check. */
export class ServiceUnavailableError extends SystemError {
  readonly service: string;
  constructor(service: string, url: string, problem: string, options?: ErrorOptions) {
    super(
      'E2E_SERVICE_UNAVAILABLE',
      `${service} at ${url} is not answering its health check (${problem}) → start it, fix the URL, or set TASKER_TEST_SKIP_HEALTH_CHECK=1`,
      options,
    );
    this.service = service;
  }
}

/** A child process of cluster mode exited or never said it was ready. */
export class ChildProcessError extends SystemError {
  constructor(message: string, options?: ErrorOptions) {
    super('E2E_CHILD_PROCESS', message, options);
  }
}

/** Something the chosen system mode cannot do (e.g. start workers on a remote deployment). */
export class UnsupportedInModeError extends SystemError {
  constructor(what: string, mode: string) {
    super('E2E_UNSUPPORTED', `${what} is not available in ${mode} mode`);
  }
}
