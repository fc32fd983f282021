/**
 * Typed errors of tasker's messaging layer (queue and namespace names, notifying sends). Database
 * errors raised by 03_messaging.sql of the baseline migration (SQLSTATE TKM01) map to InvalidQueueNameError.
 */
import { TaskerError } from '../errors.ts';
import { InvalidQueueNameError, toPgmqError } from './pgmqErrors.ts';

/** SQLSTATEs raised by the messaging SQL functions, class TK (tasker). */
export const MESSAGING_SQLSTATE = {
  /** the queue name cannot become part of a channel name */
  invalidChannelQueueName: 'TKM01',
} as const;

/** A namespace name is not `^[a-z][a-z0-9_]{0,30}$`. */
export class InvalidNamespaceError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_NAMESPACE', message, options);
  }
}

/**
 * Maps a database error from a messaging call to a typed error (the original kept as `cause`):
 * TKM01 and PGMQ's TKQ01 become InvalidQueueNameError, TKQ02 UnknownQueueError; anything else is
 * returned unchanged, so callers can write `throw toMessagingError(error)`.
 */
export function toMessagingError(error: unknown): unknown {
  if (
    error instanceof Error &&
    'code' in error &&
    error.code === MESSAGING_SQLSTATE.invalidChannelQueueName
  ) {
    return new InvalidQueueNameError(error.message, { cause: error });
  }
  return toPgmqError(error);
}
