/**
 * The result side of a workflow for worker tests that run one without the orchestration service:
 * each result message of the task is processed by tasker.process_step_result, the function
 * orchestration's result processor calls (shared's processStepResult: the step completed, the
 * steps it made ready enqueued with their messages, the task finalized, the message archived), until
 * the task is complete. Only the loop is the test's: no retries are driven, and a failed step
 * fails the run.
 */
import {
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  processStepResult,
  readMessages,
  type StepResultMessage,
} from '@tasker/shared';
import type { SeededTask } from '@tasker/shared/testing';
import type pg from 'pg';

/** Processes the task's results until it is complete; throws on a failed step or after `timeoutMs`. */
export async function driveToCompletion(pool: pg.Pool, task: SeededTask, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await readMessages<StepResultMessage>(pool, ORCHESTRATION_STEP_RESULTS_QUEUE, {
      visibilityTimeoutSeconds: 30,
      qty: 50,
    });
    for (const { msg_id, message } of messages) {
      if (message.task_uuid !== task.taskUuid) continue; // another test's; it becomes visible again
      if (message.status !== 'enqueued_for_orchestration')
        throw new Error(`step ${message.step_uuid} failed: ${message.status}`);
      const processed = await processStepResult(pool, message.step_uuid, {
        queue: ORCHESTRATION_STEP_RESULTS_QUEUE,
        msgId: msg_id,
      });
      if (processed.outcome !== 'completed')
        throw new Error(`step ${message.step_uuid}'s result was ${processed.outcome}`);
      if (processed.task_state === 'complete') return;
    }
    if (Date.now() > deadline)
      throw new Error(`workflow ${task.taskUuid} not complete after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
