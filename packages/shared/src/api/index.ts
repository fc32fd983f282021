/**
 * @tasker/shared/api: the orchestration API's request and response shapes (TypeBox schemas and the
 * types derived from them) and the base error class, for the server and for HTTP clients. Imports no
 * database code: a client importing this loads neither pg nor the migrations.
 */
export { TaskerError } from '../errors.ts';
export {
  FINISHED_TASK_STATES,
  type FinishedTaskState,
  isFinishedTaskState,
  isSucceededTaskState,
  STEP_STATES,
  type StepState,
  TASK_STATES,
  type TaskState,
} from '../state/transitions.ts';
export {
  CreateTaskRequest,
  CreateTasksRequest,
  IDENTITY_STRATEGIES,
  type IdentityStrategy,
  ListTasksQuery,
  MAX_BATCH_TASKS,
  MAX_WAIT_MS,
  TaskParams,
  WaitQuery,
} from './requests.ts';
export {
  CancelledTask,
  CreatedTask,
  CreatedTasks,
  ErrorBody,
  ExecutionContext,
  FailedStep,
  Health,
  StepSummary,
  Task,
  TaskDetail,
  TaskPage,
  WaitResult,
  WorkflowStep,
  WorkflowSteps,
} from './responses.ts';
