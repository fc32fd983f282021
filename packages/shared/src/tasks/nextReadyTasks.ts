/**
 * The orchestrator's task claim (tasker.get_next_ready_tasks): up to `limit` tasks with work, highest
 * age-boosted priority first, locked FOR UPDATE SKIP LOCKED. The locks last until the transaction of
 * `client` ends, so call it on a client inside a transaction, not on a pool.
 */
import type pg from 'pg';
import type { TaskState } from '../state/transitions.ts';

export interface ReadyTask {
  taskUuid: string;
  namespaceName: string;
  taskName: string;
  taskVersion: string;
  currentState: TaskState;
  priority: number;
  /** priority + one point per 300 s since requestedAt. */
  computedPriority: number;
  requestedAt: Date;
  correlationId: string;
}

interface Row {
  task_uuid: string;
  namespace_name: string;
  task_name: string;
  task_version: string;
  current_state: TaskState;
  priority: number;
  computed_priority: number;
  requested_at: Date;
  correlation_id: string;
}

const SQL = 'select * from tasker.get_next_ready_tasks($1)';

export async function nextReadyTasks(client: pg.ClientBase, limit: number): Promise<ReadyTask[]> {
  const { rows } = await client.query<Row>(SQL, [limit]);
  return rows.map((row) => ({
    taskUuid: row.task_uuid,
    namespaceName: row.namespace_name,
    taskName: row.task_name,
    taskVersion: row.task_version,
    currentState: row.current_state,
    priority: row.priority,
    computedPriority: row.computed_priority,
    requestedAt: row.requested_at,
    correlationId: row.correlation_id,
  }));
}
