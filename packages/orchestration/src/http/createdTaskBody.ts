/** The 201 body of a created task (POST /v1/tasks, and each of POST /v1/tasks/batch). */
import type { CreatedTask } from '@tasker/shared/api';
import type { TaskCreation } from '../tasks/createTask.ts';

export function createdTaskBody(created: TaskCreation): CreatedTask {
  return {
    task: created.task,
    steps: created.steps,
    execution_context: {
      total_steps: created.steps.length,
      enqueued_steps: created.enqueued,
      pending_steps: created.steps.filter((s) => s.state === 'pending').length,
      completed_steps: 0,
      execution_status: created.task.state === 'complete' ? 'all_complete' : 'processing',
    },
  };
}
