/**
 * Compare-and-swap state transitions of tasks and steps (tasker.transition_*_state_atomic): `true` if
 * this caller moved the entity from `from` to `to`, `false` if it was no longer in `from` (another
 * caller won). An illegal pair rejects with IllegalTransitionError, an unknown uuid with NotFoundError.
 * Run inside the caller's transaction to keep the row locks until it commits; use READ COMMITTED.
 */

import type { Queryable } from '../db/queryable.ts';
import { toTaskerError } from '../sqlErrors.ts';
import type { StepState, TaskState } from '../state/transitions.ts';

export type TransitionMetadata = Record<string, unknown>;

const TASK_SQL = 'select tasker.transition_task_state_atomic($1, $2, $3, $4) as won';
const STEP_SQL = 'select tasker.transition_step_state_atomic($1, $2, $3, $4) as won';

async function transition(
  client: Queryable,
  sql: string,
  uuid: string,
  from: string,
  to: string,
  metadata: TransitionMetadata,
): Promise<boolean> {
  try {
    const { rows } = await client.query<{ won: boolean }>(sql, [uuid, from, to, metadata]);
    return rows[0]?.won === true;
  } catch (error) {
    throw toTaskerError(error);
  }
}

export function transitionTaskState(
  client: Queryable,
  taskUuid: string,
  from: TaskState,
  to: TaskState,
  metadata: TransitionMetadata = {},
): Promise<boolean> {
  return transition(client, TASK_SQL, taskUuid, from, to, metadata);
}

export function transitionStepState(
  client: Queryable,
  stepUuid: string,
  from: StepState,
  to: StepState,
  metadata: TransitionMetadata = {},
): Promise<boolean> {
  return transition(client, STEP_SQL, stepUuid, from, to, metadata);
}
