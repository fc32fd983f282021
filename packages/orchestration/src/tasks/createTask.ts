/**
 * Task initialization: one call of tasker.create_task (09_task_creation.sql) creates the task, its
 * steps, edges and transitions and enqueues the ready steps, in one statement and so one
 * transaction; the identity hash is computed here by strategy.
 */
import type { Span } from '@opentelemetry/api';
import {
  CORRELATION_ID_ATTRIBUTE,
  type Queryable,
  queryRows,
  DuplicateTaskError as SqlDuplicateTaskError,
  TemplateNotFoundError as SqlTemplateNotFoundError,
} from '@tasker/shared';
import type { CreateTaskRequest, StepSummary, Task } from '@tasker/shared/api';
import { DuplicateTaskError, TemplateNotFoundError } from '../errors.ts';
import { recordChildSpan, withSpan } from '../telemetry/tracing.ts';
import { identityHash } from './identityHash.ts';

/** Where the database spent the time of one creation (ms, measured inside PostgreSQL). */
export type CreateTimings = { insert_ms: number; discovery_ms: number; mark_ms: number; publish_ms: number };

/** A created task as tasker.create_task returns it (the API's CreatedTask is built from it). */
export type TaskCreation = {
  task: Task;
  steps: StepSummary[];
  /** steps enqueued at creation */
  enqueued: number;
  timings: CreateTimings;
};

type CreateResult =
  | { created: false; task_uuid: string }
  | { created: true; task: Task; steps: StepSummary[]; enqueued: number; timings: CreateTimings };

const CREATE_SQL =
  'select tasker.create_task($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9::text[], $10::integer, $11::uuid) as r';

/** create_task's arguments for a request (create_tasks takes the same, by name): defaults filled, identity hashed by strategy. */
function createArguments(input: CreateTaskRequest) {
  return {
    namespace: input.namespace,
    name: input.name,
    version: input.version ?? null,
    context: input.context ?? {},
    identity_hash: identityHash({
      namespace: input.namespace,
      name: input.name,
      version: input.version,
      context: input.context ?? {},
      strategy: input.identity_strategy ?? 'strict',
      identityKey: input.identity_key,
    }),
    initiator: input.initiator ?? null,
    source_system: input.source_system ?? null,
    reason: input.reason ?? null,
    tags: input.tags ?? [],
    priority: input.priority ?? 0,
    correlation_id: input.correlation_id ?? null,
  };
}

const toCreation = (result: Extract<CreateResult, { created: true }>): TaskCreation => ({
  task: result.task,
  steps: result.steps,
  enqueued: result.enqueued,
  timings: result.timings,
});

/**
 * What task creation raised, as the API answers it: the query arrives with shared's typed error for
 * the SQLSTATE (queryRows → toTaskerError, the one map); creation's own two become the API's 404 /
 * 409.
 */
function creationError(typed: unknown): unknown {
  if (typed instanceof SqlTemplateNotFoundError)
    // the SQL's own words, without its hint: the API's message gives the hint its own way
    return new TemplateNotFoundError(typed.cause instanceof Error ? typed.cause.message : typed.message, {
      cause: typed,
    });
  if (typed instanceof SqlDuplicateTaskError)
    return new DuplicateTaskError(typed.taskUuid, typed.index, typed.repeats);
  return typed;
}

/**
 * Creates several tasks in one statement and one transaction (tasker.create_tasks,
 * 09_task_creation.sql), all or nothing: a duplicate identity (DuplicateTaskError, with the index)
 * or an unknown template (TemplateNotFoundError) creates none. In request order.
 */
export async function createTasks(
  db: Queryable,
  inputs: readonly CreateTaskRequest[],
): Promise<TaskCreation[]> {
  const tasks = inputs.map(createArguments);
  let results: Array<Extract<CreateResult, { created: true }>>;
  try {
    const rows = await queryRows<{ r: Array<Extract<CreateResult, { created: true }>> }>(db, {
      name: 'tasker_create_tasks',
      text: 'select tasker.create_tasks($1::jsonb) as r',
      values: [JSON.stringify(tasks)],
    });
    results = rows[0]?.r ?? [];
  } catch (error) {
    throw creationError(error);
  }
  if (results.length !== inputs.length)
    throw new Error(`tasker.create_tasks returned ${results.length} results for ${inputs.length} tasks`);
  return results.map(toCreation);
}

export async function createTask(db: Queryable, input: CreateTaskRequest): Promise<TaskCreation> {
  const attributes = {
    'tasker.namespace': input.namespace,
    'tasker.task_name': input.name,
    ...(input.correlation_id ? { [CORRELATION_ID_ATTRIBUTE]: input.correlation_id } : {}),
  };
  return withSpan('task.create', attributes, async (span) => {
    const a = createArguments(input);
    const started = Date.now();
    let result: CreateResult;
    try {
      const rows = await queryRows<{ r: CreateResult }>(db, {
        name: 'tasker_create_task',
        text: CREATE_SQL,
        values: [
          a.namespace,
          a.name,
          a.version,
          JSON.stringify(a.context),
          a.identity_hash,
          a.initiator,
          a.source_system,
          a.reason,
          a.tags,
          a.priority,
          a.correlation_id,
        ],
      });
      const row = rows[0];
      if (!row) throw new Error('tasker.create_task returned no row');
      result = row.r;
    } catch (error) {
      throw creationError(error);
    }
    if (!result.created) throw new DuplicateTaskError(result.task_uuid);
    annotate(span, started, result);
    return toCreation(result);
  });
}

function annotate(span: Span, started: number, result: Extract<CreateResult, { created: true }>): void {
  // a span that does not record (no SDK registered) would drop the attributes: not built
  if (!span.isRecording()) return;
  const ids = {
    'tasker.task_uuid': result.task.task_uuid,
    [CORRELATION_ID_ATTRIBUTE]: result.task.correlation_id,
  };
  span.setAttributes({
    ...ids,
    'tasker.steps': result.steps.length,
    'tasker.steps_enqueued': result.enqueued,
  });
  const t = result.timings;
  recordChildSpan(span, 'steps.enqueue', started, t.insert_ms, t.discovery_ms + t.mark_ms + t.publish_ms, {
    ...ids,
    'tasker.steps_enqueued': result.enqueued,
  });
}
