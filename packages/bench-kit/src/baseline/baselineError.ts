/** A baseline that cannot be used: the message names the file, the problem and what to do. */
export class BaselineError extends Error {
  readonly code = 'TASKER_BASELINE';
  readonly file: string;
  constructor(file: string, problem: string, hint: string, options?: ErrorOptions) {
    super(`baseline ${file}: ${problem}\n  → ${hint}`, options);
    this.name = 'BaselineError';
    this.file = file;
  }
}
