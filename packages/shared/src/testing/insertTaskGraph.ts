/**
 * A state fixture for the SQL functions' own tests: one task with a DAG of steps, inserted in one
 * transaction (a namespace, a named task of its own, its named steps, the task, its steps and edges)
 * in whatever states the test names — states no engine function creates a task in (a step in error
 * with its attempts spent, a task complete). They are written directly, not through the state
 * machine, and the insert triggers record them as each row's initial transition. A task to run is
 * seeded by seedTask, through tasker.create_task.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Queryable } from '../db/queryable.ts';
import type { StepState, TaskState } from '../state/transitions.ts';

export interface StepSpec {
  name: string;
  dependsOn?: readonly string[];
  state?: StepState;
  attempts?: number;
  maxAttempts?: number;
  retryable?: boolean;
  backoffRequestSeconds?: number;
  lastAttemptedAt?: Date;
  lastFailureAt?: Date;
  results?: unknown;
}

export interface TaskGraphSpec {
  steps: readonly StepSpec[];
  state?: TaskState;
  priority?: number;
  requestedAt?: Date;
  namespace?: string;
}

export interface InsertedTaskGraph {
  taskUuid: string;
  /** Step uuid by step name. */
  steps: Record<string, string>;
}

const INSERT_SQL = `
with ns as (
  insert into tasker.task_namespaces (name) values ($1)
  on conflict (name) do update set updated_at = now()
  returning task_namespace_uuid
), nt as (
  insert into tasker.named_tasks (task_namespace_uuid, name)
  select task_namespace_uuid, $2 from ns
  returning named_task_uuid
), spec as (
  select * from jsonb_to_recordset($3::jsonb) as x(
    name text, state text, attempts integer, max_attempts integer, retryable boolean,
    backoff_request_seconds integer, last_attempted_at timestamptz, last_failure_at timestamptz, results jsonb)
), named as (
  insert into tasker.named_steps (named_task_uuid, name, handler)
  select nt.named_task_uuid, spec.name, spec.name || '_handler' from nt, spec
  returning named_step_uuid, name
), task as (
  insert into tasker.tasks (named_task_uuid, identity_hash, current_state, priority, requested_at, complete)
  select named_task_uuid, $2, $4, $5, coalesce($6::timestamptz, now()), $4 = 'complete' from nt
  returning task_uuid
), steps as (
  insert into tasker.workflow_steps (task_uuid, named_step_uuid, current_state, attempts, max_attempts,
    retryable, backoff_request_seconds, last_attempted_at, last_failure_at, results, in_process, processed)
  select task.task_uuid, named.named_step_uuid, spec.state, spec.attempts, spec.max_attempts, spec.retryable,
    spec.backoff_request_seconds, spec.last_attempted_at, spec.last_failure_at, spec.results,
    spec.state in ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'),
    spec.state in ('complete', 'resolved_manually')
  from task, spec join named using (name)
  returning workflow_step_uuid, named_step_uuid
), by_name as (
  select named.name, steps.workflow_step_uuid from steps join named using (named_step_uuid)
), edges as (
  insert into tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
  select p.workflow_step_uuid, c.workflow_step_uuid
  from jsonb_to_recordset($7::jsonb) as d(parent text, child text)
  join by_name p on p.name = d.parent join by_name c on c.name = d.child
)
select (select task_uuid from task) as task_uuid, jsonb_object_agg(name, workflow_step_uuid) as steps from by_name`;

const READY_AT_SQL = `
update tasker.tasks set ready_at = tasker._task_ready_at(task_uuid, current_state, requested_at)
where task_uuid = $1`;

export async function insertTaskGraph(db: Queryable, spec: TaskGraphSpec): Promise<InsertedTaskGraph> {
  const names = new Set(spec.steps.map((step) => step.name));
  const edges = spec.steps.flatMap((step) =>
    (step.dependsOn ?? []).map((parent) => {
      if (!names.has(parent)) throw new Error(`insertTaskGraph: ${step.name} depends on unknown ${parent}`);
      return { parent, child: step.name };
    }),
  );
  const steps = spec.steps.map((step) => ({
    name: step.name,
    state: step.state ?? 'pending',
    attempts: step.attempts ?? 0,
    max_attempts: step.maxAttempts ?? 3,
    retryable: step.retryable ?? true,
    backoff_request_seconds: step.backoffRequestSeconds ?? null,
    last_attempted_at: step.lastAttemptedAt?.toISOString() ?? null,
    last_failure_at: step.lastFailureAt?.toISOString() ?? null,
    results: step.results ?? null,
  }));
  const pooled = db instanceof pg.Pool ? await db.connect() : undefined;
  const client = pooled ?? (db as pg.ClientBase);
  try {
    await client.query('begin');
    const { rows } = await client.query<{ task_uuid: string; steps: Record<string, string> | null }>(
      INSERT_SQL,
      [
        spec.namespace ?? 'test',
        `graph_${randomUUID()}`,
        JSON.stringify(steps),
        spec.state ?? 'pending',
        spec.priority ?? 0,
        spec.requestedAt ?? null,
        JSON.stringify(edges),
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('insertTaskGraph: the insert returned no row');
    await client.query(READY_AT_SQL, [row.task_uuid]);
    await client.query('commit');
    return { taskUuid: row.task_uuid, steps: row.steps ?? {} };
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    pooled?.release();
  }
}
