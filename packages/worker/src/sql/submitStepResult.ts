/**
 * One round trip that hands a step back: tasker.submit_step_result (migration 000015) moves the
 * step in_progress → enqueued_for_orchestration / enqueued_as_error_for_orchestration under the
 * claim's attempt (fencing token), stores the results, sends the result message to
 * orchestration_step_results with notify, and archives the claimed message — one transaction.
 */
import type pg from 'pg';
import type { StepOutcome } from '../dispatch/stepOutcome.ts';
import type { ClaimedStep } from './claimStepMessages.ts';

/** submitted: handed back; fenced: another claim took the step over (nothing changed); stale: the
 *  step had left in_progress (cancelled, or already submitted) and the message was archived. */
export type SubmitStatus = 'submitted' | 'fenced' | 'stale';

export async function submitStepResult(
  client: pg.ClientBase | pg.Pool,
  step: Pick<ClaimedStep, 'queue' | 'msgId' | 'stepUuid' | 'attempt'>,
  outcome: StepOutcome,
): Promise<SubmitStatus> {
  const failed = outcome.state === 'failed';
  const { rows } = await client.query<{ status: SubmitStatus }>({
    name: 'tasker_worker_submit',
    text: 'select tasker.submit_step_result($1, $2::bigint, $3::uuid, $4::int, $5, $6::jsonb, $7::boolean, $8::int) as status',
    values: [
      step.queue,
      step.msgId,
      step.stepUuid,
      step.attempt,
      failed ? 'enqueued_as_error_for_orchestration' : 'enqueued_for_orchestration',
      outcome.results,
      failed ? outcome.retryable : null,
      failed ? (outcome.backoffSeconds ?? null) : null,
    ],
  });
  const status = rows[0]?.status;
  if (status === undefined) throw new Error('tasker.submit_step_result returned no row');
  return status;
}
