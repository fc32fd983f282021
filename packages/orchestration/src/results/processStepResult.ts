/**
 * One step result through tasker.process_step_result (10_result_processing.sql): the step transition, the
 * evaluation cycle (newly ready steps enqueued, finalization) and the archive of the result message,
 * in one statement and so one transaction.
 */
import {
  CORRELATION_ID_ATTRIBUTE,
  type FinishedTaskState,
  isFinishedTaskState,
  type Queryable,
  queryRows,
} from '@tasker/shared';
import { recordChildSpan, withSpan } from '../telemetry/tracing.ts';

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

export async function processStepResult(
  db: Queryable,
  stepUuid: string,
  message?: { queue: string; msgId: string; correlationId?: string | undefined },
  { withNamespace = false }: { withNamespace?: boolean } = {},
): Promise<ProcessedResult> {
  const attributes = {
    'tasker.step_uuid': stepUuid,
    ...(message?.correlationId ? { [CORRELATION_ID_ATTRIBUTE]: message.correlationId } : {}),
  };
  return withSpan('result.process', attributes, async (span) => {
    const started = Date.now();
    const rows = await queryRows<ProcessedResult>(db, {
      ...(withNamespace
        ? { name: 'tasker_process_step_result_ns', text: PROCESS_WITH_NAMESPACE_SQL }
        : { name: 'tasker_process_step_result', text: PROCESS_SQL }),
      values: [stepUuid, message?.queue ?? null, message?.msgId ?? null],
    });
    const result = rows[0];
    if (!result) throw new Error('tasker.process_step_result returned no row');
    // a span that does not record (no SDK registered) would drop attributes and children: not built
    if (!span.isRecording()) return result;
    const elapsed = Date.now() - started;
    span.setAttributes({
      'tasker.outcome': result.outcome,
      'tasker.steps_enqueued': result.enqueued,
      ...(result.task_uuid ? { 'tasker.task_uuid': result.task_uuid } : {}),
    });
    const ids = { ...attributes, ...(result.task_uuid ? { 'tasker.task_uuid': result.task_uuid } : {}) };
    const enqueueMs = result.discovery_ms + result.mark_ms + result.publish_ms;
    if (result.enqueued > 0)
      recordChildSpan(span, 'steps.enqueue', started, Math.max(0, elapsed - enqueueMs), enqueueMs, {
        ...ids,
        'tasker.steps_enqueued': result.enqueued,
      });
    const finished = finishedState(result);
    if (finished)
      recordChildSpan(span, 'task.finalize', started, elapsed, 0, {
        ...ids,
        'tasker.task_state': finished,
      });
    return result;
  });
}

/**
 * The state this result finished its task in, or null: the task goes on, or the result changed
 * nothing (stale). (A result only ever finishes a task in complete or error: cancelling a task
 * cancels the steps whose results are still to come, so those results are stale.)
 */
export function finishedState(result: ProcessedResult): FinishedTaskState | null {
  if (result.outcome === 'stale' || result.task_state === null) return null;
  return isFinishedTaskState(result.task_state) ? result.task_state : null;
}
