/**
 * tasker.get_task_execution_context: every execution_status branch, its recommended action, the
 * counts and the completion percentage.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { insertTaskGraph, type StepSpec } from '../testing/insertTaskGraph.ts';
import { taskExecutionContext } from './taskExecutionContext.ts';

const db = useTestDatabase();

async function contextOf(steps: StepSpec[]) {
  const { taskUuid } = await insertTaskGraph(db.pool, { state: 'evaluating_results', steps });
  return taskExecutionContext(db.pool, taskUuid);
}

describe('execution status', () => {
  test('has_ready_steps → execute_ready_steps, even beside a permanent failure', async () => {
    const context = await contextOf([
      { name: 'a', state: 'complete' },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', state: 'error', attempts: 3 },
    ]);
    expect(context).toMatchObject({
      executionStatus: 'has_ready_steps',
      recommendedAction: 'execute_ready_steps',
      readySteps: 1,
      failedSteps: 1,
      permanentlyBlockedSteps: 1,
    });
  });

  test('processing → wait_for_completion while a step is in flight', async () => {
    const context = await contextOf([
      { name: 'a', state: 'in_progress', attempts: 1 },
      { name: 'b', dependsOn: ['a'] },
    ]);
    expect(context).toMatchObject({
      executionStatus: 'processing',
      recommendedAction: 'wait_for_completion',
      inProgressSteps: 1,
      pendingSteps: 1,
      readySteps: 0,
    });
  });

  test('blocked_by_failures → handle_failures: an error, or a retry with no attempts left', async () => {
    const errored = await contextOf([
      { name: 'a', state: 'error', attempts: 3 },
      { name: 'b', dependsOn: ['a'] },
    ]);
    expect(errored).toMatchObject({
      executionStatus: 'blocked_by_failures',
      recommendedAction: 'handle_failures',
    });
    const exhausted = await contextOf([
      { name: 'a', state: 'waiting_for_retry', attempts: 3, maxAttempts: 3, lastFailureAt: new Date() },
    ]);
    expect(exhausted).toMatchObject({ executionStatus: 'blocked_by_failures', permanentlyBlockedSteps: 1 });
  });

  test('all_complete → finalize_task, 100 %', async () => {
    const context = await contextOf([
      { name: 'a', state: 'complete' },
      { name: 'b', state: 'resolved_manually', dependsOn: ['a'] },
    ]);
    expect(context).toMatchObject({
      executionStatus: 'all_complete',
      recommendedAction: 'finalize_task',
      completedSteps: 2,
      completionPercentage: 100,
    });
  });

  test('waiting_for_dependencies → wait_for_retry while a backoff runs, with the retry time', async () => {
    const context = await contextOf([
      { name: 'a', state: 'complete' },
      { name: 'b', state: 'waiting_for_retry', attempts: 2, maxAttempts: 5, lastFailureAt: new Date() },
      { name: 'c', dependsOn: ['b'] },
    ]);
    expect(context).toMatchObject({
      executionStatus: 'waiting_for_dependencies',
      recommendedAction: 'wait_for_retry',
      waitingForRetrySteps: 1,
      completionPercentage: 33.33,
    });
    expect(context?.nextRetryAt?.getTime()).toBeGreaterThan(Date.now() - 1000);
  });

  test('waiting_for_dependencies → wait_for_dependencies when a parent was cancelled', async () => {
    const context = await contextOf([
      { name: 'a', state: 'cancelled' },
      { name: 'b', dependsOn: ['a'] },
    ]);
    expect(context).toMatchObject({
      executionStatus: 'waiting_for_dependencies',
      recommendedAction: 'wait_for_dependencies',
      cancelledSteps: 1,
      totalSteps: 2,
      completionPercentage: 0,
    });
  });

  test('an unknown task has no context', async () => {
    expect(await taskExecutionContext(db.pool, '01900000-0000-7000-8000-000000000000')).toBeNull();
  });
});
