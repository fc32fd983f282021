/**
 * One step result through tasker.process_step_result (10_result_processing.sql): the step's transition
 * (enqueued_for_orchestration → complete; enqueued_as_error_for_orchestration → waiting_for_retry or
 * error), the evaluation cycle (newly ready steps enqueued, the task finalized) and the archive of
 * the result message, in one statement and so one transaction. The result processor's call, and
 * the one a test runs to stand in for it.
 */
import { type Queryable, queryRows } from '../db/queryable.ts';

export type ResultOutcome = 'completed' | 'retrying' | 'failed' | 'stale' | 'unknown_step';

export type ProcessedResult = {
  outcome: ResultOutcome;
  task_uuid: string | null;
  /** the task's state afterwards */
  task_state: string | null;
  /** steps enqueued by this result */
  enqueued: number;
  /** the task's namespace, when asked for (withNamespace); else, or for an unknown step, null */
  namespace: string | null;
  discovery_ms: number;
  mark_ms: number;
  publish_ms: number;
};

const PROCESS_SQL = `select outcome, task_uuid, task_state, enqueued, discovery_ms, mark_ms, publish_ms,
    null::text as namespace
  from tasker.process_step_result($1::uuid, $2::text, $3::bigint)`;

// for a caller that sends the workers' wake-up itself after the commit (tasker.notify =
// 'after_commit', 03_messaging.sql): the task's namespace rides along, three key lookups in the
// same statement
const PROCESS_WITH_NAMESPACE_SQL = `select r.outcome, r.task_uuid, r.task_state, r.enqueued, r.discovery_ms, r.mark_ms,
    r.publish_ms, tn.name as namespace
  from tasker.process_step_result($1::uuid, $2::text, $3::bigint) r
  left join tasker.tasks t on t.task_uuid = r.task_uuid
  left join tasker.named_tasks nt on nt.named_task_uuid = t.named_task_uuid
  left join tasker.task_namespaces tn on tn.task_namespace_uuid = nt.task_namespace_uuid`;

/** Processes the result of `stepUuid`; `message`, the result message read, is archived with it. */
export async function processStepResult(
  db: Queryable,
  stepUuid: string,
  message?: { queue: string; msgId: string },
  { withNamespace = false }: { withNamespace?: boolean } = {},
): Promise<ProcessedResult> {
  const rows = await queryRows<ProcessedResult>(db, {
    ...(withNamespace
      ? { name: 'tasker_process_step_result_ns', text: PROCESS_WITH_NAMESPACE_SQL }
      : { name: 'tasker_process_step_result', text: PROCESS_SQL }),
    values: [stepUuid, message?.queue ?? null, message?.msgId ?? null],
  });
  const result = rows[0];
  if (!result) throw new Error('tasker.process_step_result returned no row');
  return result;
}
