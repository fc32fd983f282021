/**
 * The execution context of one task (tasker.get_task_execution_context): step counts, ready steps and
 * what the orchestrator should do next.
 */

import type { Queryable } from '../db/queryable.ts';
import type { TaskState } from '../state/transitions.ts';

export type ExecutionStatus =
  | 'has_ready_steps'
  | 'processing'
  | 'blocked_by_failures'
  | 'all_complete'
  | 'waiting_for_dependencies';

export type RecommendedAction =
  | 'execute_ready_steps'
  | 'wait_for_completion'
  | 'handle_failures'
  | 'finalize_task'
  | 'wait_for_retry'
  | 'wait_for_dependencies';

export interface TaskExecutionContext {
  taskState: TaskState;
  totalSteps: number;
  pendingSteps: number;
  /** enqueued, in_progress, or handed back to orchestration (with a result or an error). */
  inProgressSteps: number;
  /** complete or resolved_manually. */
  completedSteps: number;
  failedSteps: number;
  waitingForRetrySteps: number;
  cancelledSteps: number;
  readySteps: number;
  /** In error, or pending / waiting_for_retry with no attempts left. */
  permanentlyBlockedSteps: number;
  /** The earliest retry still backing off. */
  nextRetryAt: Date | null;
  executionStatus: ExecutionStatus;
  recommendedAction: RecommendedAction;
  /** 0–100, two decimals; 100 for a task without steps. */
  completionPercentage: number;
}

interface Row {
  task_state: TaskState;
  total_steps: number;
  pending_steps: number;
  in_progress_steps: number;
  completed_steps: number;
  failed_steps: number;
  waiting_for_retry_steps: number;
  cancelled_steps: number;
  ready_steps: number;
  permanently_blocked_steps: number;
  next_retry_at: Date | null;
  execution_status: ExecutionStatus;
  recommended_action: RecommendedAction;
  completion_percentage: number;
}

const SQL = 'select * from tasker.get_task_execution_context($1)';

/** The context of the task, or null if there is no such task. */
export async function taskExecutionContext(
  client: Queryable,
  taskUuid: string,
): Promise<TaskExecutionContext | null> {
  const { rows } = await client.query<Row>(SQL, [taskUuid]);
  const row = rows[0];
  if (!row) return null;
  return {
    taskState: row.task_state,
    totalSteps: row.total_steps,
    pendingSteps: row.pending_steps,
    inProgressSteps: row.in_progress_steps,
    completedSteps: row.completed_steps,
    failedSteps: row.failed_steps,
    waitingForRetrySteps: row.waiting_for_retry_steps,
    cancelledSteps: row.cancelled_steps,
    readySteps: row.ready_steps,
    permanentlyBlockedSteps: row.permanently_blocked_steps,
    nextRetryAt: row.next_retry_at,
    executionStatus: row.execution_status,
    recommendedAction: row.recommended_action,
    completionPercentage: row.completion_percentage,
  };
}
