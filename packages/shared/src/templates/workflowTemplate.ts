/**
 * Workflow templates as data: what a task of a given namespace/name/version is made of. Field
 * names are snake_case because templates are persisted as JSON (named_tasks.configuration) and
 * map one to one onto workflow_steps columns (retryable, max_attempts, backoff_request_seconds).
 */

/** JSON values allowed in step inputs. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type RetryPolicy = {
  /** whether a failed attempt may be retried at all */
  retryable: boolean;
  /** attempts in total, including the first (≥ 1) */
  max_attempts: number;
  /** fixed seconds between attempts; absent = exponential min(2^attempts, 60) s */
  backoff_seconds?: number;
};

export type StepTemplate = {
  /** unique within the template: ^[a-z][a-z0-9_]{0,62}$ */
  name: string;
  /** the handler a worker runs for this step */
  handler: string;
  /** names of steps that must complete first */
  dependencies: readonly string[];
  retry: RetryPolicy;
  /** static inputs handed to the handler besides the task context and parent results */
  inputs?: { [key: string]: JsonValue };
};

export type WorkflowTemplate = {
  /** ^[a-z][a-z0-9_]{0,30}$ — also names the worker queue worker_<namespace>_queue */
  namespace: string;
  /** ^[a-z][a-z0-9_]{0,62}$ */
  name: string;
  /** semantic version, MAJOR.MINOR.PATCH */
  version: string;
  description?: string;
  steps: readonly StepTemplate[];
};

/** The retry policy of every built-in step: three attempts, default exponential backoff. */
export const DEFAULT_RETRY: RetryPolicy = { retryable: true, max_attempts: 3 };
