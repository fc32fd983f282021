/**
 * One step result through tasker.process_step_result (migration 000012): the step transition, the
 * evaluation cycle (newly ready steps enqueued, finalization) and the archive of the result message,
 * in one statement and so one transaction.
 */
import type pg from 'pg';
import { recordChildSpan, withSpan } from '../telemetry/tracing.ts';

export type ResultOutcome = 'completed' | 'retrying' | 'failed' | 'stale' | 'unknown_step';

export type ProcessedResult = {
  outcome: ResultOutcome;
  task_uuid: string | null;
  /** the task's state afterwards */
  task_state: string | null;
  /** steps enqueued by this result */
  enqueued: number;
  discovery_ms: number;
  mark_ms: number;
  publish_ms: number;
};

const PROCESS_SQL = `select outcome, task_uuid, task_state, enqueued, discovery_ms, mark_ms, publish_ms
  from tasker.process_step_result($1::uuid, $2::text, $3::bigint)`;

const FINAL_STATES = new Set(['complete', 'error']);

export async function processStepResult(
  db: pg.Pool | pg.ClientBase,
  stepUuid: string,
  message?: { queue: string; msgId: string; correlationId?: string | undefined },
): Promise<ProcessedResult> {
  const attributes = {
    step_uuid: stepUuid,
    ...(message?.correlationId ? { correlation_id: message.correlationId } : {}),
  };
  return withSpan('result.process', attributes, async (span) => {
    const started = Date.now();
    const { rows } = await db.query<ProcessedResult>({
      name: 'tasker_process_step_result',
      text: PROCESS_SQL,
      values: [stepUuid, message?.queue ?? null, message?.msgId ?? null],
    });
    const result = rows[0];
    if (!result) throw new Error('tasker.process_step_result returned no row');
    const elapsed = Date.now() - started;
    span.setAttributes({
      'tasker.outcome': result.outcome,
      'tasker.steps_enqueued': result.enqueued,
      ...(result.task_uuid ? { task_uuid: result.task_uuid } : {}),
    });
    const ids = { ...attributes, ...(result.task_uuid ? { task_uuid: result.task_uuid } : {}) };
    const enqueueMs = result.discovery_ms + result.mark_ms + result.publish_ms;
    if (result.enqueued > 0)
      recordChildSpan(span, 'steps.enqueue', started, Math.max(0, elapsed - enqueueMs), enqueueMs, {
        ...ids,
        'tasker.steps_enqueued': result.enqueued,
      });
    if (result.task_state && FINAL_STATES.has(result.task_state) && result.outcome !== 'stale')
      recordChildSpan(span, 'task.finalize', started, elapsed, 0, {
        ...ids,
        'tasker.task_state': result.task_state,
      });
    return result;
  });
}
