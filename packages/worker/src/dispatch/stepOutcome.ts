/**
 * What running a handler produced, ready to submit: `results` is the JSON text stored on the step
 * (the handler's value, or `{ "error": … }` for a failure). Only `failed` carries an error.
 */

export interface StepErrorInfo {
  name: string;
  /** the error's `code` when it has one (TaskerError codes, SQLSTATEs) */
  code: string | undefined;
  message: string;
}

export type StepOutcome =
  | { state: 'completed'; results: string; durationMs: number }
  | {
      state: 'failed';
      results: string;
      error: StepErrorInfo;
      /** false: straight to the error path, whatever attempts remain */
      retryable: boolean;
      backoffSeconds: number | undefined;
      durationMs: number;
    };

/** JSON text of a handler's value; bigints become decimal strings, undefined becomes null. */
export function serializeResults(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, bigintAsString) ?? 'null';
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function errorInfo(error: unknown): StepErrorInfo {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return { name: error.name, code, message: error.message };
  }
  return { name: 'Error', code: undefined, message: String(error) };
}
