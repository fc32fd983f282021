/** The step a task that ended in error failed at: its first step in error, in step order. */

import { type Queryable, queryRows } from '@tasker/shared';
import type { FailedStep } from '@tasker/shared/api';

const FIRST_FAILED_STEP_SQL = `select s.workflow_step_uuid as step_uuid, ns.name, s.attempts
  from tasker.workflow_steps s join tasker.named_steps ns on ns.named_step_uuid = s.named_step_uuid
  where s.task_uuid = $1 and s.current_state = 'error' order by s.workflow_step_uuid limit 1`;

/** The first step in error of the task, or null when none is. */
export async function firstFailedStep(db: Queryable, taskUuid: string): Promise<FailedStep | null> {
  const rows = await queryRows<FailedStep>(db, { text: FIRST_FAILED_STEP_SQL, values: [taskUuid] });
  return rows[0] ?? null;
}
