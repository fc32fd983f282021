/**
 * Typed errors of the shared core. Each has a stable `code`; messages say what to do.
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

/** A task or step state change that the transition table does not allow (SQLSTATE TK001). */
export class IllegalTransitionError extends TaskerError {
  readonly entity: 'task' | 'step';
  readonly from: string;
  readonly to: string;
  constructor(entity: 'task' | 'step', from: string, to: string, options?: ErrorOptions) {
    super(
      'TASKER_ILLEGAL_TRANSITION',
      `illegal ${entity} transition from ${from} to ${to}; the allowed ones are listed in src/state/transitions.ts`,
      options,
    );
    this.entity = entity;
    this.from = from;
    this.to = to;
  }
}

/** The task or step named in a call does not exist (SQLSTATE TK002). */
export class NotFoundError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_NOT_FOUND', message, options);
  }
}
