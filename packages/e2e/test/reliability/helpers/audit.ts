/**
 * What the reliability tests assert after a fault, read from the database: task states, and the
 * transitions audit trail, where one step's completed executions are its `in_progress →
 * enqueued_for_orchestration` transitions (a handler result handed back). "Every step executed to
 * completion exactly once" = exactly one such transition per step of a completed task.
 */
import { FINISHED_TASK_STATES, type Queryable } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';

// the one bounded wait, re-exported for the PostgreSQL restart and crash tests, which import it from
// here (the other tests import it from @tasker/shared/testing)
export { eventually } from '@tasker/shared/testing';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** task count per current_state, for the tasks of `namespace` */
export async function taskStates(db: Queryable, namespace: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    `select t.current_state as state, count(*)::int as n
     from tasker.tasks t join tasker.named_tasks nt using (named_task_uuid)
     join tasker.task_namespaces ns using (task_namespace_uuid)
     where ns.name = $1 group by 1`,
    [namespace],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

/** Waits until every task of `namespace` is finished (FINISHED_TASK_STATES); returns the counts by state. */
export async function allFinished(
  db: Queryable,
  namespace: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<Record<string, number>> {
  try {
    return await eventually(
      `${expected} ${namespace} tasks to finish`,
      async () => {
        const states = await taskStates(db, namespace);
        const finished = FINISHED_TASK_STATES.reduce((sum, state) => sum + (states[state] ?? 0), 0);
        return finished === expected ? states : undefined;
      },
      // a count over every task of the namespace: not every few ms while the services work
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    // say where the unfinished tasks are stuck: each step not complete, its claim and its message
    throw new Error(`${(error as Error).message}\n${await unfinishedSteps(db, namespace)}`, { cause: error });
  }
}

/** The steps of the namespace's unfinished tasks that are not complete, with their claim and queue message. */
async function unfinishedSteps(db: Queryable, namespace: string): Promise<string> {
  const queue = `pgmq.q_worker_${namespace}_queue`;
  const { rows } = await db.query<Record<string, unknown>>(
    `select t.task_uuid, t.current_state as task_state, t.ready_at, ns.name as step, s.current_state as state,
       s.attempts, s.claim_msg_id, s.lease_until, s.in_process,
       (select string_agg(st.from_state || '>' || st.to_state, ' ' order by st.sort_key)
        from tasker.workflow_step_transitions st where st.workflow_step_uuid = s.workflow_step_uuid) as trail,
       (select string_agg(q.msg_id || '@' || q.read_ct || ' vt ' || q.vt, ', ')
        from ${queue} q where q.message->>'step_uuid' = s.workflow_step_uuid::text) as messages
     from tasker.tasks t
     join tasker.named_tasks nt using (named_task_uuid)
     join tasker.task_namespaces tn using (task_namespace_uuid)
     join tasker.workflow_steps s on s.task_uuid = t.task_uuid
     join tasker.named_steps ns on ns.named_step_uuid = s.named_step_uuid
     where tn.name = $1 and t.current_state not in ('complete', 'error', 'cancelled', 'resolved_manually')
       and s.current_state <> 'complete'
     order by t.task_uuid, ns.name limit 20`,
    [namespace],
  );
  return rows.map((row) => JSON.stringify(row)).join('\n') || '(no unfinished step found)';
}

export interface ExecutionAudit {
  /** steps of the namespace's tasks */
  steps: number;
  /** steps in state complete */
  completeSteps: number;
  /** completed executions (in_progress → enqueued_for_orchestration), all steps together */
  completions: number;
  /** steps with more than one completed execution (should be none) */
  duplicated: number;
  /** steps with no completed execution although complete (should be none) */
  missing: number;
  /** steps that entered `complete` more than once (should be none) */
  completedTwice: number;
  /** takeovers of an expired claim (in_progress → in_progress, reclaimed) */
  reclaims: number;
}

export async function executionAudit(db: Queryable, namespace: string): Promise<ExecutionAudit> {
  const { rows } = await db.query<ExecutionAudit>(
    `with steps as (
       select s.workflow_step_uuid, s.current_state,
         (select count(*) from tasker.workflow_step_transitions st
          where st.workflow_step_uuid = s.workflow_step_uuid
            and st.from_state = 'in_progress' and st.to_state = 'enqueued_for_orchestration') as completions,
         (select count(*) from tasker.workflow_step_transitions st
          where st.workflow_step_uuid = s.workflow_step_uuid
            and st.from_state = 'in_progress' and st.to_state = 'in_progress') as reclaims,
         (select count(*) from tasker.workflow_step_transitions st
          where st.workflow_step_uuid = s.workflow_step_uuid and st.to_state = 'complete') as entered_complete
       from tasker.workflow_steps s
       join tasker.tasks t using (task_uuid) join tasker.named_tasks nt using (named_task_uuid)
       join tasker.task_namespaces ns using (task_namespace_uuid)
       where ns.name = $1)
     select count(*)::int as steps,
       count(*) filter (where current_state = 'complete')::int as "completeSteps",
       coalesce(sum(completions), 0)::int as completions,
       count(*) filter (where completions > 1)::int as duplicated,
       count(*) filter (where current_state = 'complete' and completions = 0)::int as missing,
       count(*) filter (where entered_complete > 1)::int as "completedTwice",
       coalesce(sum(reclaims), 0)::int as reclaims
     from steps`,
    [namespace],
  );
  const audit = rows[0];
  if (!audit) throw new Error('no audit row');
  return audit;
}

/** The task uuids of `uuids` that no task row has (a task the API acknowledged and then lost). */
export async function missingTasks(db: Queryable, uuids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ task_uuid: string }>(
    `select u.task_uuid::text from unnest($1::uuid[]) u(task_uuid)
     where not exists (select from tasker.tasks t where t.task_uuid = u.task_uuid)`,
    [uuids],
  );
  return rows.map((row) => row.task_uuid);
}

/** Messages still waiting (visible or hidden) in a queue; the name is checked before it reaches SQL. */
export async function queueDepth(db: Queryable, queue: string): Promise<number> {
  if (!/^[a-z0-9_]{1,47}$/.test(queue)) throw new Error(`not a queue name: ${queue}`);
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from pgmq.q_${queue}`);
  return rows[0]?.n ?? 0;
}

/** POST /v1/tasks with fetch (no client retries, so a test sees exactly what the server answered). */
export async function createTaskHttp(
  baseUrl: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: { task?: { task_uuid: string }; error?: { message: string } } }> {
  const response = await fetch(`${baseUrl}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as never };
}
