/** @tasker/orchestration: the orchestration service (HTTP API, task initialization, result processing). */
export {
  DuplicateTaskError,
  InvalidRequestError,
  OrchestrationError,
  ServiceUnavailableError,
  TaskNotCancellableError,
  TaskNotFoundError,
  TemplateNotFoundError,
} from './errors.ts';
export { buildServer, type ServerDeps, type WaitResult } from './http/server.ts';
export { Counter, Histogram, OrchestrationMetrics } from './metrics/metrics.ts';
export {
  CompletionWaiters,
  TASK_COMPLETED_CHANNEL,
  type TaskFinished,
  type WaitOutcome,
} from './results/completionWaiters.ts';
export { type ProcessedResult, processStepResult, type ResultOutcome } from './results/processStepResult.ts';
export { ResultProcessor, type ResultProcessorOptions } from './results/resultProcessor.ts';
export { RetryPoller, type RetryPollerOptions } from './results/retryPoller.ts';
export {
  type Orchestration,
  type OrchestrationOptions,
  RESULTS_CHANNEL,
  startOrchestration,
} from './startOrchestration.ts';
export { type CancelResult, cancelTask } from './tasks/cancelTask.ts';
export {
  type CreatedTask,
  type CreateTaskInput,
  type CreateTimings,
  createTask,
} from './tasks/createTask.ts';
export { getTask, getTaskState, type TaskDetail } from './tasks/getTask.ts';
export {
  canonicalJson,
  IDENTITY_STRATEGIES,
  type IdentityStrategy,
  identityHash,
} from './tasks/identityHash.ts';
export { listSteps, type StepDetail } from './tasks/listSteps.ts';
export { type ListTasksQuery, listTasks, type TaskPage } from './tasks/listTasks.ts';
export type { ExecutionContext, StepSummary, TaskView } from './tasks/taskTypes.ts';
