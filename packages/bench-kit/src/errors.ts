/**
 * Typed errors of the harness. A `PrerequisiteError` is what a user sees when the environment is not
 * ready (no database, bad URL, …): its message names the problem and says what to do.
 */

export class PrerequisiteError extends Error {
  readonly code = 'TASKER_PREREQUISITE';
  /** Which prerequisite failed, e.g. "PostgreSQL (DATABASE_URL)". */
  readonly prerequisite: string;
  /** What the user can do about it. */
  readonly hint: string;
  constructor(prerequisite: string, problem: string, hint: string, options?: ErrorOptions) {
    super(`${prerequisite}: ${problem}\n  → ${hint}`, options);
    this.name = 'PrerequisiteError';
    this.prerequisite = prerequisite;
    this.hint = hint;
  }
}

/**
 * `bench:profile --db` could not do one of its parts (turn the settings on, sample, read the
 * statistics or the log); the message says which, the cause says why.
 */
export class DbProfileError extends Error {
  readonly code = 'TASKER_DB_PROFILE';
  constructor(message: string, options?: ErrorOptions) {
    super(`bench:profile --db: ${message}`, options);
    this.name = 'DbProfileError';
  }
}
