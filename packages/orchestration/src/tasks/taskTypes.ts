/**
 * The states in which a task has finished for a waiter (GET /v1/tasks/:uuid/wait answers at once):
 * besides the transition table's terminal states (isTerminalTaskState), error, from which only an
 * operator moves a task on. The API's shapes themselves live in @tasker/shared/api.
 */
import type { TaskState } from '@tasker/shared/api';

export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
]);
