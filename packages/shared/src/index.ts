/** @tasker/shared: schema, SQL functions, state machines and PGMQ messaging of the tasker core. */

export { isLoopbackHost, unauthenticatedExposure } from './cli/exposure.ts';
export {
  commonServiceOptions,
  type EnumOption,
  type FlagOption,
  formatUsage,
  type IntegerOption,
  type ListOption,
  type OptionSpec,
  type ParsedCommandLine,
  parseServiceOptions,
  parseServiceOptionsOrExit,
  type ServiceCliSpec,
  type ServiceOptions,
  type StringOption,
} from './cli/parseServiceOptions.ts';
export { USAGE_EXIT_CODE, UsageError } from './cli/usageError.ts';
export {
  defaultMigrationsDir,
  loadMigrations,
  type MigrateResult,
  type Migration,
  migrate,
} from './db/migrate.ts';
export { type PreparedDatabase, prepareDatabase } from './db/prepareDatabase.ts';
export { type Queryable, queryRows } from './db/queryable.ts';
export {
  createServiceLogin,
  SERVICE_ROLES,
  type ServiceLogin,
  type ServiceRole,
} from './db/serviceLogins.ts';
export {
  InvalidNamespaceError,
  MigrationError,
  ServiceUnavailableError,
  TaskerError,
} from './errors.ts';
export { type BackoffOptions, backoffDelay } from './events/backoff.ts';
export {
  InvalidChannelError,
  ListenerClosedError,
  ListenerConfigError,
  ListenerLivenessError,
  ListenerTimeoutError,
} from './events/listenerErrors.ts';
export {
  type ListenerEvent,
  type ListenerOptions,
  type ListenerState,
  type ListenerStats,
  PgEventListener,
  type PollReason,
  type WaitOptions,
} from './events/pgEventListener.ts';
export {
  AfterCommitNotifier,
  NOTIFY_AFTER_COMMIT_OPTION,
  type NotifyMode,
} from './queue/afterCommitNotifier.ts';
export { detectPgmqFlavor, installPgmq, type PgmqFlavor } from './queue/installPgmq.ts';
export {
  isBatchNotification,
  type MessageReadyBatch,
  type MessageReadyNotification,
  type MessageReadySingle,
  NOTIFY_INLINE_LIMIT_BYTES,
  notifiedMsgIds,
  parseMessageReady,
} from './queue/messageReady.ts';
export {
  archiveMessages,
  deleteMessages,
  ensureQueue,
  ensureTaskerQueues,
  type MsgId,
  type QueueMessage,
  type ReadOptions,
  type ReadWithPollOptions,
  readMessages,
  readWithPoll,
  type SendOptions,
  type StepMessage,
  type StepResultMessage,
  type StepResultStatus,
  sendBatchWithNotify,
  sendWithNotify,
} from './queue/messaging.ts';
export {
  assertNamespace,
  assertQueueName,
  MAX_CHANNEL_NAMESPACE_LENGTH,
  MAX_QUEUE_NAME_LENGTH,
  MESSAGE_READY_CHANNEL,
  messageReadyChannel,
  messageReadyChannelForQueue,
  NAMESPACE_PATTERN,
  namespaceFromQueue,
  ORCHESTRATION_NAMESPACE,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  QUEUE_NAME_PATTERN,
  workerQueueName,
} from './queue/queueNames.ts';
export {
  type RegisteredTemplate,
  registerTemplate,
  registerTemplates,
} from './registry/registerTemplate.ts';
export {
  DuplicateTaskError,
  IllegalTransitionError,
  InvalidQueueNameError,
  InvalidResultStatusError,
  MalformedTemplateError,
  NotFoundError,
  PartitionedQueuesUnavailableError,
  TASKER_SQLSTATE,
  type TaskerSqlState,
  TemplateConflictError,
  TemplateNotFoundError,
  toTaskerError,
  UnknownQueueError,
} from './sqlErrors.ts';
export {
  FINISHED_TASK_STATES,
  type FinishedTaskState,
  isFinishedTaskState,
  isStepTransitionAllowed,
  isSucceededTaskState,
  isTaskTransitionAllowed,
  STEP_STATES,
  STEP_TRANSITIONS,
  type StepState,
  TASK_STATES,
  TASK_TRANSITIONS,
  type TaskState,
} from './state/transitions.ts';
export {
  type ClaimedStep,
  type ClaimOptions,
  type ClaimResult,
  claimStepMessages,
  isClaimed,
  type RawDependency,
  type SkippedMessage,
} from './steps/claimStepMessages.ts';
export {
  type CompleteOptions,
  type Completion,
  completeStep,
  completeSteps,
  type StepToComplete,
} from './steps/completeStep.ts';
export {
  type ProcessedResult,
  processStepResult,
  type ResultOutcome,
} from './steps/processStepResult.ts';
export {
  type ResultHandoff,
  type StepClaim,
  type StepResult,
  type SubmitStatus,
  submitStepResult,
} from './steps/submitStepResult.ts';
export { nextReadyTasks, type ReadyTask } from './tasks/nextReadyTasks.ts';
export { type ReadyStep, readySteps } from './tasks/readySteps.ts';
export { type StepReadiness, stepReadiness } from './tasks/stepReadiness.ts';
export { type StepDependency, stepTransitiveDependencies } from './tasks/stepTransitiveDependencies.ts';
export {
  type ExecutionStatus,
  type RecommendedAction,
  type TaskExecutionContext,
  taskExecutionContext,
} from './tasks/taskExecutionContext.ts';
export {
  type TransitionMetadata,
  transitionStepState,
  transitionTaskState,
} from './tasks/transitionState.ts';
export { CORRELATION_ID_ATTRIBUTE, tracesExportConfigured } from './telemetry/tracesExport.ts';
export {
  ARITHMETIC_HANDLERS,
  type ArithmeticHandler,
  type ArithmeticHandlerName,
  isArithmeticHandler,
} from './templates/arithmeticHandlers.ts';
export {
  BUILTIN_TEMPLATES,
  builtinTemplate,
  complexDag,
  diamondPattern,
  hierarchicalTree,
  mathematicalSequence,
} from './templates/builtinTemplates.ts';
export { type ArithmeticContext, expectedFinalResult, expectedResults } from './templates/expectedResults.ts';
export { chain, fanOut, type GeneratorOptions, MAX_GENERATED_STEPS } from './templates/generators.ts';
export {
  type TemplateIssue,
  type TemplateIssueKind,
  TemplateValidationError,
} from './templates/templateErrors.ts';
export { type TemplateGraph, validateTemplate } from './templates/validateTemplate.ts';
export {
  DEFAULT_RETRY,
  type JsonValue,
  type RetryPolicy,
  type StepTemplate,
  type WorkflowTemplate,
} from './templates/workflowTemplate.ts';
