/**
 * Test helpers: connections to a database besides our own, a task run and checked against the
 * template's predicted results, and claims counted per step.
 */
import { type ArithmeticContext, expectedResults, type WorkflowTemplate } from '@tasker/shared';
import pg from 'pg';
import { expect } from 'vitest';
import type { TaskerSystem } from '../src/index.ts';

/** Other sessions on the database right now (this query's own connection excluded). */
export async function otherSessions(connectionString: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one task of `template` to completion and checks that every step completed on its first
 * attempt with the result the template's arithmetic predicts (compared as bigint). Returns the task.
 */
export async function expectPredictedResults(
  system: TaskerSystem,
  template: WorkflowTemplate,
  context: ArithmeticContext,
): Promise<string> {
  const created = await system.client.createTask({
    namespace: template.namespace,
    name: template.name,
    context,
    identity_strategy: 'always_unique',
  });
  const done = await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: 20_000 });
  expect(done.state).toBe('complete');
  const steps = await system.client.listSteps(created.task.task_uuid);
  const stored = new Map(
    steps.map((step) => [step.name, BigInt((step.results as { result: string }).result)]),
  );
  expect(stored).toEqual(expectedResults(template, context));
  expect(steps.every((step) => step.state === 'complete' && step.attempts === 1)).toBe(true);
  return created.task.task_uuid;
}

/** How many steps of these tasks were claimed (→ in_progress) how many times: [{ runs, n }]. */
export async function claimsPerStep(
  pool: pg.Pool,
  taskUuids: readonly string[],
): Promise<{ runs: number; n: number }[]> {
  const { rows } = await pool.query<{ runs: number; n: number }>(
    `select runs, count(*)::int as n from (
       select s.workflow_step_uuid, count(*) filter (where t.to_state = 'in_progress')::int as runs
       from tasker.workflow_steps s join tasker.workflow_step_transitions t using (workflow_step_uuid)
       where s.task_uuid = any($1::uuid[]) group by s.workflow_step_uuid) x
     group by runs order by runs`,
    [taskUuids],
  );
  return rows;
}
