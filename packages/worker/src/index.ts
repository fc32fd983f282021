/** @tasker/worker: claims steps, runs their handlers, hands results back to orchestration. */

// the types of shared's claim and submit wrappers that this package's API takes (dispatchStep's
// step, WorkerOptions.resultHandoff); the wrappers themselves are @tasker/shared's
export type { ClaimedStep, ResultHandoff } from '@tasker/shared';
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
export { HandlerThreadPool, type HandlerThreadPoolOptions } from './threads/handlerThreadPool.ts';
export type { ThreadStepContext } from './threads/threadProtocol.ts';
export { type CloseOptions, startWorker, Worker, type WorkerOptions } from './worker/worker.ts';
export { formatPrometheus, type WorkerMetricsSnapshot } from './worker/workerMetrics.ts';
