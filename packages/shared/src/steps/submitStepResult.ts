/**
 * One round trip that hands a step back: tasker.submit_step_result (11_worker_claim_submit.sql) moves the
 * step in_progress → enqueued_for_orchestration / enqueued_as_error_for_orchestration under the
 * claim's attempt (fencing token), stores the results, sends the result message to
 * orchestration_step_results with notify, and archives the claimed message — one transaction.
 * With the inline hand-off, tasker.submit_step_result_inline (11_worker_claim_submit.sql) applies the result
 * in that same transaction instead of sending the message (process_step_result: next steps
 * enqueued, the task finalized).
 */
import { type Queryable, queryRows } from '../db/queryable.ts';
import type { ClaimedStep } from './claimStepMessages.ts';

/**
 * What a handler produced, as the submit stores it: `results` is the JSON text stored on the step
 * (the handler's value, or `{ "error": … }` for a failure); only a failure says whether to retry.
 */
export type StepResult =
  | { state: 'completed'; results: string }
  | {
      state: 'failed';
      results: string;
      /** false: straight to the error path, whatever attempts remain */
      retryable: boolean;
      /** ask orchestration to retry after this many seconds (else its exponential backoff) */
      backoffSeconds: number | undefined;
    };

/** The claim a submit or completion names: its message and attempt are the fencing token. */
export type StepClaim = Pick<ClaimedStep, 'queue' | 'msgId' | 'stepUuid' | 'attempt'>;

/** submitted: handed back; fenced: another claim took the step over (nothing changed); stale: the
 *  step had left in_progress (cancelled, or already submitted) and the message was archived. */
export type SubmitStatus = 'submitted' | 'fenced' | 'stale';

/** queue: the result goes to orchestration as a message (default); inline: applied by the submit itself. */
export type ResultHandoff = 'queue' | 'inline';

const SUBMIT = {
  queue: {
    fn: 'tasker.submit_step_result',
    name: 'tasker_worker_submit',
    text: 'select tasker.submit_step_result($1, $2::bigint, $3::uuid, $4::int, $5, $6::jsonb, $7::boolean, $8::int) as status',
  },
  inline: {
    fn: 'tasker.submit_step_result_inline',
    name: 'tasker_worker_submit_inline',
    text: 'select tasker.submit_step_result_inline($1, $2::bigint, $3::uuid, $4::int, $5, $6::jsonb, $7::boolean, $8::int) as status',
  },
} as const;

export async function submitStepResult(
  client: Queryable,
  step: StepClaim,
  outcome: StepResult,
  handoff: ResultHandoff = 'queue',
): Promise<SubmitStatus> {
  const failed = outcome.state === 'failed';
  const rows = await queryRows<{ status: SubmitStatus }>(client, {
    name: SUBMIT[handoff].name,
    text: SUBMIT[handoff].text,
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
  if (status === undefined) throw new Error(`${SUBMIT[handoff].fn} returned no row`);
  return status;
}
