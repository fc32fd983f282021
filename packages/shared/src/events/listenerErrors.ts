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

/**
 * The listener's connection stopped answering: its liveness query (or a reconnect's setup) had no
 * reply within the deadline. The connection is dropped and a new one made; nothing to fix unless it
 * repeats (then: the network path to the database).
 */
export class ListenerLivenessError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_LISTENER_LIVENESS', message, options);
  }
}

/** An option of the listener is out of range (the message names it). */
export class ListenerConfigError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_LISTENER_CONFIG', message, options);
  }
}
