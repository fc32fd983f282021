/**
 * One round trip that finishes a successful step: tasker.complete_step (11_worker_claim_submit.sql) stores the
 * results under the claim's attempt (fencing token), completes the step, enqueues the children it
 * made ready — claiming up to `claimQty` of them for this worker at once (their messages sent hidden
 * for the lease) — finishes the task when nothing is left, and archives the claimed message. When the
 * step's task is not simply running, it applies the result through the general inline submit
 * (submit_step_result_inline). The worker runs the successors it got without a claim round trip.
 */
import { type Queryable, queryRows } from '../db/queryable.ts';
import { type ClaimedStep, type ClaimRow, toClaimResult } from './claimStepMessages.ts';
import type { StepClaim, StepResult, SubmitStatus } from './submitStepResult.ts';

export interface CompleteOptions {
  /** successors this worker can run now (its free slots, counting the one this step frees) */
  claimQty: number;
  /** the successors' lease, seconds */
  visibilityTimeoutSeconds: number;
  /** recorded in the successors' transition metadata */
  workerId?: string;
}

export interface Completion {
  status: SubmitStatus;
  /** steps claimed for this worker by the completion: run them, then submit with their attempt */
  successors: ClaimedStep[];
}

type CompleteRow = { status: SubmitStatus } & {
  [K in keyof ClaimRow as K extends 'msg_id'
    ? 'claimed_msg_id'
    : K extends 'step_uuid'
      ? 'claimed_step_uuid'
      : K extends 'attempt'
        ? 'claimed_attempt'
        : K]: ClaimRow[K];
};

type CompleteStepsRow = CompleteRow & { completed_step_uuid: string };

/** A successful step to complete: its claim and its outcome. */
export interface StepToComplete {
  step: StepClaim;
  outcome: Extract<StepResult, { state: 'completed' }>;
}

/**
 * tasker.complete_steps: several successful steps of one queue in one round trip and one
 * transaction (the worker's batch of completions that finished while another was in flight), the
 * successors drawing on one claimQty. Returns each step's completion, by step uuid.
 */
export async function completeSteps(
  client: Queryable,
  queue: string,
  items: readonly StepToComplete[],
  options: CompleteOptions,
): Promise<Map<string, Completion>> {
  const rows = await queryRows<CompleteStepsRow>(client, {
    name: 'tasker_worker_complete_batch',
    text: 'select * from tasker.complete_steps($1, $2::bigint[], $3::uuid[], $4::int[], $5::jsonb[], $6::int, $7::int, $8::text)',
    values: [
      queue,
      items.map((item) => item.step.msgId),
      items.map((item) => item.step.stepUuid),
      items.map((item) => item.step.attempt),
      items.map((item) => item.outcome.results),
      options.claimQty,
      options.visibilityTimeoutSeconds,
      options.workerId ?? null,
    ],
  });
  const completions = new Map<string, Completion>();
  for (const row of rows) {
    const completion = completions.get(row.completed_step_uuid) ?? { status: row.status, successors: [] };
    completions.set(row.completed_step_uuid, completion);
    const successor = successorOf(queue, row);
    if (successor) completion.successors.push(successor);
  }
  for (const item of items)
    if (!completions.has(item.step.stepUuid))
      throw new Error(`tasker.complete_steps returned no row for step ${item.step.stepUuid}`);
  return completions;
}

function successorOf(queue: string, row: CompleteRow): ClaimedStep | undefined {
  if (row.claimed_msg_id === null) return undefined;
  const claimed = toClaimResult(queue, {
    ...row,
    msg_id: row.claimed_msg_id,
    step_uuid: row.claimed_step_uuid,
    attempt: row.claimed_attempt,
  });
  return claimed.outcome === 'claimed' || claimed.outcome === 'reclaimed' ? claimed : undefined;
}

export async function completeStep(
  client: Queryable,
  step: StepClaim,
  outcome: Extract<StepResult, { state: 'completed' }>,
  options: CompleteOptions,
): Promise<Completion> {
  const rows = await queryRows<CompleteRow>(client, {
    name: 'tasker_worker_complete',
    text: 'select * from tasker.complete_step($1, $2::bigint, $3::uuid, $4::int, $5::jsonb, $6::int, $7::int, $8::text)',
    values: [
      step.queue,
      step.msgId,
      step.stepUuid,
      step.attempt,
      outcome.results,
      options.claimQty,
      options.visibilityTimeoutSeconds,
      options.workerId ?? null,
    ],
  });
  const first = rows[0];
  if (first === undefined) throw new Error('tasker.complete_step returned no row');
  const successors: ClaimedStep[] = [];
  for (const row of rows) {
    const successor = successorOf(step.queue, row);
    if (successor) successors.push(successor);
  }
  return { status: first.status, successors };
}
