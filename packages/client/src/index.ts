/** @tasker/client: the typed HTTP client of the tasker orchestration API (undici keep-alive pool). */
export { TaskerConnectionError, TaskerHttpError, TaskFailedError, TaskWaitTimeoutError } from './errors.ts';
export { TaskerClient, type TaskerClientOptions } from './taskerClient.ts';
export type {
  CancelledTask,
  CreatedTask,
  CreateTaskRequest,
  ExecutionContext,
  Health,
  IdentityStrategy,
  ListTasksOptions,
  StepSummary,
  Task,
  TaskDetail,
  TaskPage,
  WaitResult,
  WorkflowStep,
} from './types.ts';
