/**
 * One step result through tasker.process_step_result (10_result_processing.sql; shared's wrapper,
 * steps/processStepResult.ts): the step transition, the evaluation cycle (newly ready steps
 * enqueued, finalization) and the archive of the result message, in one statement and so one
 * transaction — traced here: the result's span, with its enqueue and finalization as children.
 */
import {
  CORRELATION_ID_ATTRIBUTE,
  type FinishedTaskState,
  isFinishedTaskState,
  type ProcessedResult,
  processStepResult as processStepResultSql,
  type Queryable,
  type ResultOutcome,
} from '@tasker/shared';
import { recordChildSpan, withSpan } from '../telemetry/tracing.ts';

export type { ProcessedResult, ResultOutcome };

/** shared's typed wrapper of tasker.process_step_result, inside the result's span and its children. */
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
    const result = await processStepResultSql(
      db,
      stepUuid,
      message ? { queue: message.queue, msgId: message.msgId } : undefined,
      { withNamespace },
    );
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
