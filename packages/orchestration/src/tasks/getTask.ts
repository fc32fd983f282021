/** One task with its context and execution context (tasker.get_task_execution_context). */
import type { TaskDetail, TaskState } from '@tasker/shared/api';
import type pg from 'pg';
import { TaskNotFoundError } from '../errors.ts';

/** The columns of a Task (@tasker/shared/api), for `from tasker.tasks t join named_tasks nt join task_namespaces tn`. */
export const TASK_VIEW_COLUMNS = `t.task_uuid, tn.name as namespace, nt.name, nt.version, t.current_state as state,
  t.priority, t.tags, t.correlation_id, t.initiator, t.source_system, t.reason, t.requested_at,
  t.completed_at, t.created_at`;

export const TASK_VIEW_FROM = `tasker.tasks t
  join tasker.named_tasks nt on nt.named_task_uuid = t.named_task_uuid
  join tasker.task_namespaces tn on tn.task_namespace_uuid = nt.task_namespace_uuid`;

const GET_TASK_SQL = `select ${TASK_VIEW_COLUMNS}, t.context,
    json_build_object('total_steps', c.total_steps, 'pending_steps', c.pending_steps,
      'in_progress_steps', c.in_progress_steps, 'completed_steps', c.completed_steps,
      'failed_steps', c.failed_steps, 'waiting_for_retry_steps', c.waiting_for_retry_steps,
      'cancelled_steps', c.cancelled_steps, 'ready_steps', c.ready_steps,
      'execution_status', c.execution_status, 'recommended_action', c.recommended_action,
      'completion_percentage', c.completion_percentage, 'next_retry_at', c.next_retry_at) as execution_context
  from ${TASK_VIEW_FROM}
  cross join lateral tasker.get_task_execution_context(t.task_uuid) c
  where t.task_uuid = $1`;

export async function getTask(db: pg.Pool | pg.ClientBase, taskUuid: string): Promise<TaskDetail> {
  const { rows } = await db.query<TaskDetail>({
    name: 'tasker_get_task',
    text: GET_TASK_SQL,
    values: [taskUuid],
  });
  const task = rows[0];
  if (!task) throw new TaskNotFoundError(taskUuid);
  return task;
}

/** The state of a task, or undefined if there is none. */
export async function getTaskState(
  db: pg.Pool | pg.ClientBase,
  taskUuid: string,
): Promise<TaskState | undefined> {
  const { rows } = await db.query<{ state: TaskState }>({
    name: 'tasker_get_task_state',
    text: 'select current_state as state from tasker.tasks where task_uuid = $1',
    values: [taskUuid],
  });
  return rows[0]?.state;
}
