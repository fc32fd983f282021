/**
 * Typed errors for the SQLSTATEs that tasker's PGMQ-compatible layer raises (packages/shared/sql/pgmq).
 * The real pgmq extension raises message-only errors, or PostgreSQL's 42P01 for a missing queue
 * table; that one is mapped too, since its meaning is unambiguous.
 */
import { TaskerError } from '../errors.ts';

/** SQLSTATEs of the compatible layer, class TK (tasker). */
export const PGMQ_SQLSTATE = {
  invalidQueueName: 'TKQ01',
  unknownQueue: 'TKQ02',
  /** create_partitioned / convert_archive_partitioned: PGMQ builds partitioned queues on pg_partman; the layer does not */
  partitionedQueuesUnavailable: 'TKQ03',
} as const;

/** The queue name is empty, longer than 47 characters, or contains `$`, `;`, `--` or a quote. */
export class InvalidQueueNameError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_QUEUE_NAME', message, options);
  }
}

/** No queue of that name exists; create it with `pgmq.create(name)` first. */
export class UnknownQueueError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_UNKNOWN_QUEUE', message, options);
  }
}

/**
 * Maps a database error to a typed PGMQ error (the original kept as `cause`); returns anything else
 * unchanged, so callers can write `throw toPgmqError(error)`.
 */
export function toPgmqError(error: unknown): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  switch (error.code) {
    case PGMQ_SQLSTATE.invalidQueueName:
      return new InvalidQueueNameError(error.message, { cause: error });
    case PGMQ_SQLSTATE.unknownQueue:
      return new UnknownQueueError(error.message, { cause: error });
    case '42P01':
      return /relation "pgmq\.q_/.test(error.message)
        ? new UnknownQueueError(`${error.message} (create the queue with pgmq.create first)`, {
            cause: error,
          })
        : error;
    default:
      return error;
  }
}
