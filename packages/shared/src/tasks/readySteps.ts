/**
 * The enqueuer's discovery query (tasker.get_ready_steps): the steps of many tasks that are ready for
 * execution now, with what a worker message needs. Takes no locks: the pending → enqueued
 * compare-and-swap decides which caller sends each step.
 */

import type { Queryable } from '../db/queryable.ts';
import type { StepState } from '../state/transitions.ts';

export interface ReadyStep {
  workflowStepUuid: string;
  taskUuid: string;
  name: string;
  handler: string;
  /** The queue is `worker_<namespaceName>_queue`. */
  namespaceName: string;
  correlationId: string;
  currentState: Extract<StepState, 'pending' | 'waiting_for_retry'>;
  attempts: number;
}

interface Row {
  workflow_step_uuid: string;
  task_uuid: string;
  name: string;
  handler: string;
  namespace_name: string;
  correlation_id: string;
  current_state: Extract<StepState, 'pending' | 'waiting_for_retry'>;
  attempts: number;
}

const SQL = 'select * from tasker.get_ready_steps($1::uuid[])';

/** Ready steps of the given tasks, ordered by task then step. */
export async function readySteps(client: Queryable, taskUuids: readonly string[]): Promise<ReadyStep[]> {
  if (taskUuids.length === 0) return [];
  const { rows } = await client.query<Row>(SQL, [taskUuids]);
  return rows.map((row) => ({
    workflowStepUuid: row.workflow_step_uuid,
    taskUuid: row.task_uuid,
    name: row.name,
    handler: row.handler,
    namespaceName: row.namespace_name,
    correlationId: row.correlation_id,
    currentState: row.current_state,
    attempts: row.attempts,
  }));
}
