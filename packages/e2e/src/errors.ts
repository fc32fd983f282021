/**
 * Errors of the e2e system runner, each with a stable code and what to do about it. Its base class
 * and a service that does not answer are shared's (TaskerError, ServiceUnavailableError).
 */
import { TaskerError } from '@tasker/shared';

/** A child process of cluster mode did not answer over its IPC channel. */
export class ChildProcessError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('E2E_CHILD_PROCESS', message, options);
  }
}

/** Something the chosen system mode cannot do (e.g. start workers on a remote deployment). */
export class UnsupportedInModeError extends TaskerError {
  constructor(what: string, mode: string) {
    super('E2E_UNSUPPORTED', `${what} is not available in ${mode} mode`);
  }
}
