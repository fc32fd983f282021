/**
 * One round trip that claims work: tasker.claim_step_messages (11_worker_claim_submit.sql) reads up to `qty`
 * messages of a worker queue and claims each step (enqueued → in_progress, or the takeover of an
 * expired claim), returning for each claimed step everything its handler needs. The worker's claim;
 * tests and benches claim through it too.
 */
import { type Queryable, queryRows } from '../db/queryable.ts';

/** A message whose step this worker now owns: run its handler, then submit with `attempt`. */
export interface ClaimedStep {
  outcome: 'claimed' | 'reclaimed';
  queue: string;
  msgId: string;
  readCount: number;
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  stepName: string;
  handler: string;
  /** the fencing token: submit_step_result accepts only this attempt */
  attempt: number;
  maxAttempts: number;
  retryable: boolean;
  inputs: Record<string, unknown>;
  taskContext: Record<string, unknown>;
  /** every ancestor as stored: { step_uuid, name, results, distance }, nearest first */
  dependencies: readonly RawDependency[];
}

export interface RawDependency {
  step_uuid: string;
  name: string;
  results: unknown;
  distance: number;
}

/** A message that runs nothing: archived (duplicate, finished, invalid) or left hidden (lease_held). */
export interface SkippedMessage {
  outcome: 'duplicate' | 'lease_held' | 'finished' | 'invalid';
  queue: string;
  msgId: string;
  readCount: number;
  stepUuid: string | null;
}

export type ClaimResult = ClaimedStep | SkippedMessage;

/** A row of tasker.claim_step_messages (and the successor rows of tasker.complete_step). */
export type ClaimRow = {
  msg_id: string;
  read_ct: number;
  outcome: ClaimResult['outcome'];
  task_uuid: string | null;
  step_uuid: string | null;
  correlation_id: string | null;
  step_name: string | null;
  handler: string | null;
  attempt: number | null;
  max_attempts: number | null;
  retryable: boolean | null;
  inputs: Record<string, unknown> | null;
  task_context: Record<string, unknown> | null;
  dependencies: RawDependency[] | null;
};

export interface ClaimOptions {
  /** seconds a claimed message stays hidden: the claim's lease */
  visibilityTimeoutSeconds: number;
  /** the most messages to read */
  qty: number;
  /** recorded in the step's transition metadata */
  workerId?: string;
}

export async function claimStepMessages(
  client: Queryable,
  queue: string,
  options: ClaimOptions,
): Promise<ClaimResult[]> {
  const rows = await queryRows<ClaimRow>(client, {
    name: 'tasker_worker_claim',
    text: 'select * from tasker.claim_step_messages($1, $2::int, $3::int, $4::text)',
    values: [queue, options.visibilityTimeoutSeconds, options.qty, options.workerId ?? null],
  });
  return rows.map((row) => toClaimResult(queue, row));
}

export function toClaimResult(queue: string, row: ClaimRow): ClaimResult {
  if (row.outcome !== 'claimed' && row.outcome !== 'reclaimed') {
    return {
      outcome: row.outcome,
      queue,
      msgId: row.msg_id,
      readCount: row.read_ct,
      stepUuid: row.step_uuid,
    };
  }
  return {
    outcome: row.outcome,
    queue,
    msgId: row.msg_id,
    readCount: row.read_ct,
    taskUuid: row.task_uuid ?? '',
    stepUuid: row.step_uuid ?? '',
    correlationId: row.correlation_id ?? '',
    stepName: row.step_name ?? '',
    handler: row.handler ?? '',
    attempt: row.attempt ?? 0,
    maxAttempts: row.max_attempts ?? 1,
    retryable: row.retryable ?? true,
    inputs: row.inputs ?? {},
    taskContext: row.task_context ?? {},
    dependencies: row.dependencies ?? [],
  };
}

export function isClaimed(result: ClaimResult): result is ClaimedStep {
  return result.outcome === 'claimed' || result.outcome === 'reclaimed';
}
