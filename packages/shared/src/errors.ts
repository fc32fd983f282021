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
