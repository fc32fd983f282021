/** Typed errors of the event listener. */
import { TaskerError } from '../errors.ts';

/** waitFor / waitForState gave up: nothing matching arrived within the timeout. */
export class ListenerTimeoutError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_LISTENER_TIMEOUT', message, options);
  }
}

/** The listener was closed (or never started) while something waited on it. */
export class ListenerClosedError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_LISTENER_CLOSED', message, options);
  }
}

/** A channel name is empty or longer than PostgreSQL's 63-byte identifiers. */
export class InvalidChannelError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_CHANNEL', message, options);
  }
}
