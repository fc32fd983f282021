/** @tasker/orchestration: the orchestration service (HTTP API, task initialization, result processing). */
export {
  DuplicateTaskError,
  InvalidRequestError,
  OrchestrationError,
  TaskNotCancellableError,
  TaskNotFoundError,
  TemplateNotFoundError,
} from './errors.ts';
export { ForbiddenError, OrchestrationConfigError, UnauthorizedError } from './http/auth/authErrors.ts';
export {
  type ApiKey,
  Authenticator,
  type AuthSettings,
  hashApiKey,
  type JwtSettings,
  type Principal,
  parseApiKeys,
} from './http/auth/credentials.ts';
export { PERMISSIONS, type Permission, ROUTE_PERMISSIONS } from './http/auth/routePermissions.ts';
export { type ApiServer, buildServer, type ServerDeps } from './http/server.ts';
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
// the API's request and response shapes: @tasker/shared/api
export { cancelTask } from './tasks/cancelTask.ts';
export { type CreateTimings, createTask, createTasks, type TaskCreation } from './tasks/createTask.ts';
export { getTask, getTaskState } from './tasks/getTask.ts';
export { canonicalJson, identityHash } from './tasks/identityHash.ts';
export { listSteps } from './tasks/listSteps.ts';
export { listTasks } from './tasks/listTasks.ts';
