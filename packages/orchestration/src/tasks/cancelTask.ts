/** Cancellation through tasker.cancel_task (10_result_processing.sql): the task and its cancellable steps. */

import { type Queryable, queryRows } from '@tasker/shared';
import type { CancelledTask } from '@tasker/shared/api';
import { TaskNotCancellableError, TaskNotFoundError } from '../errors.ts';

export async function cancelTask(db: Queryable, taskUuid: string): Promise<CancelledTask> {
  const rows = await queryRows<{ outcome: string; task_state: string; steps_cancelled: number }>(db, {
    name: 'tasker_cancel_task',
    text: 'select outcome, task_state, steps_cancelled from tasker.cancel_task($1)',
    values: [taskUuid],
  });
  const row = rows[0];
  if (!row || row.outcome === 'unknown_task') throw new TaskNotFoundError(taskUuid);
  if (row.outcome === 'not_cancellable') throw new TaskNotCancellableError(taskUuid, row.task_state);
  return { task_uuid: taskUuid, state: 'cancelled', steps_cancelled: row.steps_cancelled };
}
