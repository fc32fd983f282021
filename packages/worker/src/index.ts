/** @tasker/worker: claims steps, runs their handlers, hands results back to orchestration. */
export { buildStepContext, type DispatchOptions, dispatchStep } from './dispatch/dispatchStep.ts';
export { type StepErrorInfo, type StepOutcome, serializeResults } from './dispatch/stepOutcome.ts';
export {
  HandlerThreadError,
  HandlerTimeoutError,
  ResultSerializationError,
  StepHandlerError,
  UnknownHandlerError,
  WorkerClosedError,
  WorkerConfigError,
} from './errors.ts';
export { arithmeticInputs, BUILTIN_HANDLERS } from './handlers/builtinHandlers.ts';
export { createHandlerRegistry, HandlerRegistry } from './handlers/handlerRegistry.ts';
export type { StepContext, StepDependency, StepHandler } from './handlers/stepHandler.ts';
export { TEST_HANDLERS, TEST_HANDLERS_MODULE } from './handlers/testHandlers.ts';
export { type HealthServer, startHealthServer } from './http/healthServer.ts';
export {
  type ClaimedStep,
  type ClaimOptions,
  type ClaimResult,
  claimStepMessages,
  isClaimed,
  type RawDependency,
  type SkippedMessage,
} from './sql/claimStepMessages.ts';
export { type ResultHandoff, type SubmitStatus, submitStepResult } from './sql/submitStepResult.ts';
export { HandlerThreadPool, type HandlerThreadPoolOptions } from './threads/handlerThreadPool.ts';
export type { ThreadStepContext } from './threads/threadProtocol.ts';
export { type CloseOptions, startWorker, Worker, type WorkerOptions } from './worker/worker.ts';
export { formatPrometheus, type WorkerMetricsSnapshot } from './worker/workerMetrics.ts';
