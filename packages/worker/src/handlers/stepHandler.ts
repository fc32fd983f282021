/**
 * What a step handler is and what it receives. A handler gets one StepContext and returns the
 * step's results (anything JSON-serializable; bigints are stored as decimal strings), or throws to
 * fail the step (StepHandlerError chooses retryable or permanent).
 */
import type pg from 'pg';

/** One ancestor of the step, with its stored results. */
export interface StepDependency {
  stepUuid: string;
  name: string;
  results: unknown;
  /** 1 = a parent, 2 = a grandparent, … (shortest path) */
  distance: number;
}

export interface StepContext {
  taskUuid: string;
  stepUuid: string;
  stepName: string;
  correlationId: string;
  /** the step's static inputs (from its template) */
  inputs: Readonly<Record<string, unknown>>;
  /** the task's context, as given when the task was created */
  taskContext: Readonly<Record<string, unknown>>;
  /** the direct parents' results, by step name */
  parentResults: Readonly<Record<string, unknown>>;
  /** every ancestor (transitive dependencies), nearest first, then by name */
  dependencies: readonly StepDependency[];
  /** 1 on the first attempt; also counts takeovers of an expired claim */
  attempt: number;
  maxAttempts: number;
  /** aborted when the handler timeout passes or the worker stops waiting for it */
  signal: AbortSignal;
  /** the worker's pool, for handlers that query the database (absent in worker threads) */
  db: pg.Pool | undefined;
}

export type StepHandler = (context: StepContext) => unknown;
