/**
 * One task with its context and execution context: the task's row, and what
 * tasker.get_task_execution_context says of it through shared's wrapper (taskExecutionContext), in
 * the API's words.
 */
import { type Queryable, queryRows, type TaskExecutionContext, taskExecutionContext } from '@tasker/shared';
import type { ExecutionContext, Task, TaskDetail, TaskState } from '@tasker/shared/api';
import { TaskNotFoundError } from '../errors.ts';

/** The columns of a Task (@tasker/shared/api), for `from tasker.tasks t join named_tasks nt join task_namespaces tn`. */
export const TASK_VIEW_COLUMNS = `t.task_uuid, tn.name as namespace, nt.name, nt.version, t.current_state as state,
  t.priority, t.tags, t.correlation_id, t.initiator, t.source_system, t.reason, t.requested_at,
  t.completed_at, t.created_at`;

export const TASK_VIEW_FROM = `tasker.tasks t
  join tasker.named_tasks nt on nt.named_task_uuid = t.named_task_uuid
  join tasker.task_namespaces tn on tn.task_namespace_uuid = nt.task_namespace_uuid`;

const GET_TASK_SQL = `select ${TASK_VIEW_COLUMNS}, t.context from ${TASK_VIEW_FROM} where t.task_uuid = $1`;

export async function getTask(db: Queryable, taskUuid: string): Promise<TaskDetail> {
  // on a pool, both at once (two connections, one round trip's wait)
  const [rows, context] = await Promise.all([
    queryRows<Task & { context: TaskDetail['context'] }>(db, {
      name: 'tasker_get_task',
      text: GET_TASK_SQL,
      values: [taskUuid],
    }),
    taskExecutionContext(db, taskUuid),
  ]);
  const task = rows[0];
  if (!task || !context) throw new TaskNotFoundError(taskUuid);
  return { ...task, execution_context: apiExecutionContext(context) };
}

/** The API's execution_context (snake_case, without the task state it sits beside). */
function apiExecutionContext(context: TaskExecutionContext): ExecutionContext {
  return {
    total_steps: context.totalSteps,
    pending_steps: context.pendingSteps,
    in_progress_steps: context.inProgressSteps,
    completed_steps: context.completedSteps,
    failed_steps: context.failedSteps,
    waiting_for_retry_steps: context.waitingForRetrySteps,
    cancelled_steps: context.cancelledSteps,
    ready_steps: context.readySteps,
    execution_status: context.executionStatus,
    recommended_action: context.recommendedAction,
    completion_percentage: context.completionPercentage,
    next_retry_at: context.nextRetryAt?.toISOString() ?? null,
  };
}

/** The state of a task, or undefined if there is none. */
export async function getTaskState(db: Queryable, taskUuid: string): Promise<TaskState | undefined> {
  const rows = await queryRows<{ state: TaskState }>(db, {
    name: 'tasker_get_task_state',
    text: 'select current_state as state from tasker.tasks where task_uuid = $1',
    values: [taskUuid],
  });
  return rows[0]?.state;
}
