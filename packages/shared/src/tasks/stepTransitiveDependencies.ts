/**
 * Every ancestor of a step (tasker.get_step_transitive_dependencies), nearest first: what a handler
 * reads its upstream results from.
 */

import type { Queryable } from '../db/queryable.ts';
import type { StepState } from '../state/transitions.ts';

export interface StepDependency {
  workflowStepUuid: string;
  name: string;
  currentState: StepState;
  results: unknown;
  processed: boolean;
  /** 1 for a parent, 2 for a grandparent, … (the shortest path when there are several). */
  distance: number;
}

interface Row {
  workflow_step_uuid: string;
  name: string;
  current_state: StepState;
  results: unknown;
  processed: boolean;
  distance: number;
}

const SQL = 'select * from tasker.get_step_transitive_dependencies($1)';

export async function stepTransitiveDependencies(
  client: Queryable,
  stepUuid: string,
): Promise<StepDependency[]> {
  const { rows } = await client.query<Row>(SQL, [stepUuid]);
  return rows.map((row) => ({
    workflowStepUuid: row.workflow_step_uuid,
    name: row.name,
    currentState: row.current_state,
    results: row.results,
    processed: row.processed,
    distance: row.distance,
  }));
}
