/**
 * The least of orchestration a worker test needs to run a whole workflow: consume
 * orchestration_step_results, mark handed-back steps complete, enqueue the steps whose parents are
 * all complete. Not the result processor of issue 16 (no retries, no task states): a test fixture.
 */
import { archiveMessages, ORCHESTRATION_STEP_RESULTS_QUEUE, readMessages } from '@tasker/shared';
import type pg from 'pg';
import { enqueueStep, type SeededTask } from './seedTask.ts';

/** Runs the workflow's result side until every step is complete; throws on a failed step or timeout. */
export async function driveToCompletion(pool: pg.Pool, task: SeededTask, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await readMessages<{ task_uuid: string; step_uuid: string; status: string }>(
      pool,
      ORCHESTRATION_STEP_RESULTS_QUEUE,
      { visibilityTimeoutSeconds: 30, qty: 50 },
    );
    for (const { msg_id, message } of rows) {
      if (message.task_uuid !== task.taskUuid) continue; // another test's; it becomes visible again
      if (message.status !== 'enqueued_for_orchestration')
        throw new Error(`step ${message.step_uuid} failed: ${message.status}`);
      await pool.query(
        `select tasker.transition_step_state_atomic($1, 'enqueued_for_orchestration', 'complete')`,
        [message.step_uuid],
      );
      await archiveMessages(pool, ORCHESTRATION_STEP_RESULTS_QUEUE, [msg_id]);
      const ready = await pool.query<{ uuid: string }>(
        `select s.workflow_step_uuid as uuid from tasker.workflow_steps s
         where s.task_uuid = $1 and s.current_state = 'pending'
           and not exists (select 1 from tasker.workflow_step_edges e
                           join tasker.workflow_steps p on p.workflow_step_uuid = e.from_step_uuid
                           where e.to_step_uuid = s.workflow_step_uuid and p.current_state <> 'complete')`,
        [task.taskUuid],
      );
      for (const { uuid } of ready.rows) await enqueueStep(pool, task, uuid);
    }
    const { rows: left } = await pool.query<{ n: number }>(
      `select count(*)::int as n from tasker.workflow_steps where task_uuid = $1 and current_state <> 'complete'`,
      [task.taskUuid],
    );
    if (left[0]?.n === 0) return;
    if (Date.now() > deadline)
      throw new Error(`workflow ${task.taskUuid} not complete after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
