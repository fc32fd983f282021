/** @tasker/client: the typed HTTP client of the tasker orchestration API (undici keep-alive pool). */

// the API's shapes, from their one definition (the schemas the server validates and serializes with)
export type {
  CancelledTask,
  CreatedTask,
  CreateTaskRequest,
  CreateTasksRequest,
  ErrorBody,
  ExecutionContext,
  FailedStep,
  Health,
  IdentityStrategy,
  StepState,
  StepSummary,
  Task,
  TaskDetail,
  TaskPage,
  TaskState,
  WaitResult,
  WorkflowStep,
  WorkflowSteps,
} from '@tasker/shared/api';
export { TaskerConnectionError, TaskerHttpError, TaskFailedError, TaskWaitTimeoutError } from './errors.ts';
export { TaskerClient, type TaskerClientOptions } from './taskerClient.ts';
export type { ListTasksOptions } from './types.ts';
