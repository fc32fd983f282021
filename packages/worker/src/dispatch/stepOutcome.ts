/**
 * What running a handler produced, ready to submit: shared's StepResult (what the submit stores:
 * `results`, the JSON text stored on the step — the handler's value, or `{ "error": … }` for a
 * failure — and a failure's retry choice), with the run's duration. Only `failed` carries an error.
 */
import type { StepResult } from '@tasker/shared';

export interface StepErrorInfo {
  name: string;
  /** the error's `code` when it has one (TaskerError codes, SQLSTATEs) */
  code: string | undefined;
  message: string;
}

export type StepOutcome =
  | (Extract<StepResult, { state: 'completed' }> & { durationMs: number })
  | (Extract<StepResult, { state: 'failed' }> & { error: StepErrorInfo; durationMs: number });

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
