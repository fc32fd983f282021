/**
 * The orchestration API's responses (snake_case, as stored), defined once (TypeBox). The hot routes
 * (POST /v1/tasks, GET /v1/tasks/:uuid/wait) hand their schemas to Fastify, which serializes with
 * fast-json-stringify: a property missing from a schema is left out of the answer, so every field a
 * client reads is listed here and `required` (the serializer then refuses an answer without it).
 * Timestamps are ISO 8601 strings.
 */
import { type Static, Type } from 'typebox';
import { STEP_STATES, TASK_STATES } from '../state/transitions.ts';
import { JsonObject, Nullable, StringEnum, Uuid } from './schemaTypes.ts';

const Timestamp = Type.String({ description: 'ISO 8601' });

export const Task = Type.Object({
  task_uuid: Uuid,
  namespace: Type.String(),
  name: Type.String(),
  version: Type.String(),
  state: StringEnum(TASK_STATES),
  priority: Type.Integer(),
  tags: Type.Array(Type.String()),
  correlation_id: Uuid,
  initiator: Nullable(Type.String()),
  source_system: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  requested_at: Timestamp,
  completed_at: Nullable(Timestamp),
  created_at: Timestamp,
});
export type Task = Static<typeof Task>;

export const StepSummary = Type.Object({
  step_uuid: Uuid,
  name: Type.String(),
  handler: Type.String(),
  state: StringEnum(STEP_STATES),
  attempts: Type.Integer(),
  max_attempts: Type.Integer(),
});
export type StepSummary = Static<typeof StepSummary>;

/** 201 of POST /v1/tasks: the task as created, its steps and what creation enqueued. */
export const CreatedTask = Type.Object({
  task: Task,
  steps: Type.Array(StepSummary),
  execution_context: Type.Object({
    total_steps: Type.Integer(),
    enqueued_steps: Type.Integer(),
    pending_steps: Type.Integer(),
    completed_steps: Type.Integer(),
    execution_status: StringEnum(['processing', 'all_complete']),
  }),
});
export type CreatedTask = Static<typeof CreatedTask>;

/** 201 of POST /v1/tasks/batch: each task as POST /v1/tasks answers it, in request order. */
export const CreatedTasks = Type.Object({ tasks: Type.Array(CreatedTask) });
export type CreatedTasks = Static<typeof CreatedTasks>;

/** tasker.get_task_execution_context (05_task_execution_context.sql) of one task. */
export const ExecutionContext = Type.Object({
  total_steps: Type.Integer(),
  pending_steps: Type.Integer(),
  in_progress_steps: Type.Integer(),
  completed_steps: Type.Integer(),
  failed_steps: Type.Integer(),
  waiting_for_retry_steps: Type.Integer(),
  cancelled_steps: Type.Integer(),
  ready_steps: Type.Integer(),
  execution_status: Type.String(),
  recommended_action: Type.String(),
  completion_percentage: Type.Number(),
  next_retry_at: Nullable(Timestamp),
});
export type ExecutionContext = Static<typeof ExecutionContext>;

/** 200 of GET /v1/tasks/:uuid. */
export const TaskDetail = Type.Intersect([
  Task,
  Type.Object({ context: JsonObject, execution_context: ExecutionContext }),
]);
export type TaskDetail = Static<typeof TaskDetail>;

/** 200 of GET /v1/tasks. */
export const TaskPage = Type.Object({
  tasks: Type.Array(Task),
  pagination: Type.Object({ page: Type.Integer(), per_page: Type.Integer(), has_more: Type.Boolean() }),
});
export type TaskPage = Static<typeof TaskPage>;

/** One step of GET /v1/tasks/:uuid/workflow_steps, with its readiness and results. */
export const WorkflowStep = Type.Intersect([
  StepSummary,
  Type.Object({
    retryable: Type.Boolean(),
    ready_for_execution: Type.Boolean(),
    dependencies_satisfied: Type.Boolean(),
    total_parents: Type.Integer(),
    completed_parents: Type.Integer(),
    next_retry_at: Nullable(Timestamp),
    last_attempted_at: Nullable(Timestamp),
    processed_at: Nullable(Timestamp),
    /** the handler's output once the step completed */
    results: Type.Unknown(),
  }),
]);
export type WorkflowStep = Static<typeof WorkflowStep>;

/** 200 of GET /v1/tasks/:uuid/workflow_steps. */
export const WorkflowSteps = Type.Object({ steps: Type.Array(WorkflowStep) });
export type WorkflowSteps = Static<typeof WorkflowSteps>;

/** 200 of DELETE /v1/tasks/:uuid. */
export const CancelledTask = Type.Object({
  task_uuid: Uuid,
  state: Type.Literal('cancelled'),
  steps_cancelled: Type.Integer(),
});
export type CancelledTask = Static<typeof CancelledTask>;

/** The step a task that ended in error failed at (the first by uuid, when several did). */
export const FailedStep = Type.Object({ step_uuid: Uuid, name: Type.String(), attempts: Type.Integer() });
export type FailedStep = Static<typeof FailedStep>;

/**
 * 200 of GET /v1/tasks/:uuid/wait: `completed` once the task has finished (FINISHED_TASK_STATES;
 * `state` says which), `timed_out` when timeout_ms passed first; failed_step is set for state error.
 */
export const WaitResult = Type.Object({
  task_uuid: Uuid,
  state: StringEnum(TASK_STATES),
  completed: Type.Boolean(),
  timed_out: Type.Boolean(),
  failed_step: Nullable(FailedStep),
});
export type WaitResult = Static<typeof WaitResult>;

/** 200 of GET /health and /health/live. */
export const Health = Type.Object({ status: Type.String() });
export type Health = Static<typeof Health>;

/**
 * Every 4xx/5xx answer: a stable `code` (validation_failed, invalid_request, template_not_found,
 * duplicate_task, task_not_found, task_not_cancellable, payload_too_large, route_not_found,
 * internal_error, …), a message, and the error's own fields (`field` for a bad request, `task_uuid`
 * of the existing task for duplicate_task, `state` for task_not_cancellable).
 */
export const ErrorBody = Type.Object({
  error: Type.Intersect([
    Type.Object({ code: Type.String(), message: Type.String() }),
    Type.Record(Type.String(), Type.Unknown()),
  ]),
});
export type ErrorBody = Static<typeof ErrorBody>;
