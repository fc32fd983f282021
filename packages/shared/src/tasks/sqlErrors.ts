/**
 * Maps the SQLSTATEs raised by tasker's SQL functions (class TK, listed in the header of each baseline file, e.g. 02_state_machine.sql) to typed errors.
 */
import { IllegalTransitionError, NotFoundError } from '../errors.ts';

export const TASKER_SQLSTATE = {
  illegalTransition: 'TK001',
  notFound: 'TK002',
} as const;

const ILLEGAL = /^illegal (task|step) transition from (\S+) to (\S+)$/;

/**
 * Returns the typed error for a database error of class TK (the original kept as `cause`), and
 * anything else unchanged, so callers can write `throw toTaskerError(error)`.
 */
export function toTaskerError(error: unknown): unknown {
  if (!(error instanceof Error) || !('code' in error)) return error;
  if (error.code === TASKER_SQLSTATE.notFound) return new NotFoundError(error.message, { cause: error });
  if (error.code === TASKER_SQLSTATE.illegalTransition) {
    const match = ILLEGAL.exec(error.message);
    if (match?.[1] && match[2] && match[3]) {
      return new IllegalTransitionError(match[1] === 'task' ? 'task' : 'step', match[2], match[3], {
        cause: error,
      });
    }
  }
  return error;
}
