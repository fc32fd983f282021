/** The workflow steps of one task with their readiness (tasker.get_step_readiness_status) and results. */

import { type Queryable, queryRows } from '@tasker/shared';
import type { WorkflowStep } from '@tasker/shared/api';
import { TaskNotFoundError } from '../errors.ts';

const LIST_STEPS_SQL = `select r.workflow_step_uuid as step_uuid, r.name, r.handler, r.current_state as state,
    r.attempts, r.max_attempts, r.retryable, r.ready_for_execution, r.dependencies_satisfied,
    r.total_parents, r.completed_parents, r.next_retry_at, r.last_attempted_at, s.processed_at, s.results
  from tasker.get_step_readiness_status($1) r
  join tasker.workflow_steps s on s.workflow_step_uuid = r.workflow_step_uuid
  order by r.workflow_step_uuid`;

export async function listSteps(db: Queryable, taskUuid: string): Promise<WorkflowStep[]> {
  const rows = await queryRows<WorkflowStep>(db, {
    name: 'tasker_list_steps',
    text: LIST_STEPS_SQL,
    values: [taskUuid],
  });
  if (rows.length === 0) {
    const exists = await queryRows(db, {
      text: 'select 1 from tasker.tasks where task_uuid = $1',
      values: [taskUuid],
    });
    if (exists.length === 0) throw new TaskNotFoundError(taskUuid);
  }
  return rows;
}
