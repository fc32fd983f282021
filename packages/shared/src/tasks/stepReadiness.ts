/**
 * Readiness of a task's steps (tasker.get_step_readiness_status): state, dependencies, retry
 * eligibility, backoff, and whether each step may be enqueued now.
 */

import type { Queryable } from '../db/queryable.ts';
import type { StepState } from '../state/transitions.ts';

export interface StepReadiness {
  workflowStepUuid: string;
  namedStepUuid: string;
  name: string;
  handler: string;
  currentState: StepState;
  /** No parents, or every parent complete or resolved_manually. */
  dependenciesSatisfied: boolean;
  /** attempts = 0, or retryable and attempts < maxAttempts. */
  retryEligible: boolean;
  readyForExecution: boolean;
  /** Explicit backoff after the last attempt, else min(2^attempts, 60) s after the last failure. */
  nextRetryAt: Date | null;
  lastFailureAt: Date | null;
  lastAttemptedAt: Date | null;
  totalParents: number;
  completedParents: number;
  attempts: number;
  maxAttempts: number;
  retryable: boolean;
  backoffRequestSeconds: number | null;
  inProcess: boolean;
  processed: boolean;
}

interface Row {
  workflow_step_uuid: string;
  named_step_uuid: string;
  name: string;
  handler: string;
  current_state: StepState;
  dependencies_satisfied: boolean;
  retry_eligible: boolean;
  ready_for_execution: boolean;
  next_retry_at: Date | null;
  last_failure_at: Date | null;
  last_attempted_at: Date | null;
  total_parents: number;
  completed_parents: number;
  attempts: number;
  max_attempts: number;
  retryable: boolean;
  backoff_request_seconds: number | null;
  in_process: boolean;
  processed: boolean;
}

const SQL = 'select * from tasker.get_step_readiness_status($1, $2)';

/** All steps of the task, or only `stepUuids`, in step creation order. */
export async function stepReadiness(
  client: Queryable,
  taskUuid: string,
  stepUuids?: readonly string[],
): Promise<StepReadiness[]> {
  const { rows } = await client.query<Row>(SQL, [taskUuid, stepUuids ?? null]);
  return rows.map((row) => ({
    workflowStepUuid: row.workflow_step_uuid,
    namedStepUuid: row.named_step_uuid,
    name: row.name,
    handler: row.handler,
    currentState: row.current_state,
    dependenciesSatisfied: row.dependencies_satisfied,
    retryEligible: row.retry_eligible,
    readyForExecution: row.ready_for_execution,
    nextRetryAt: row.next_retry_at,
    lastFailureAt: row.last_failure_at,
    lastAttemptedAt: row.last_attempted_at,
    totalParents: row.total_parents,
    completedParents: row.completed_parents,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    retryable: row.retryable,
    backoffRequestSeconds: row.backoff_request_seconds,
    inProcess: row.in_process,
    processed: row.processed,
  }));
}
