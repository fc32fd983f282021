/**
 * Readiness rules of tasker.get_step_readiness_status and the enqueuer's get_ready_steps:
 * dependencies, retry eligibility and backoff timing (asserted as relations to now()).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import { readySteps } from './readySteps.ts';
import { type StepReadiness, stepReadiness } from './stepReadiness.ts';

const db = useTestDatabase();
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000);

function byName(rows: StepReadiness[]): Record<string, StepReadiness> {
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

describe('dependencies', () => {
  test('a root is ready; a child waits until every parent is complete or resolved_manually', async () => {
    const { taskUuid } = await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [
        { name: 'root' },
        { name: 'done', state: 'complete' },
        { name: 'resolved', state: 'resolved_manually' },
        { name: 'running', state: 'in_progress', attempts: 1 },
        { name: 'after_done', dependsOn: ['done', 'resolved'] },
        { name: 'after_running', dependsOn: ['done', 'running'] },
      ],
    });
    const steps = byName(await stepReadiness(db.pool, taskUuid));
    expect(steps.root).toMatchObject({
      totalParents: 0,
      dependenciesSatisfied: true,
      readyForExecution: true,
    });
    expect(steps.after_done).toMatchObject({
      totalParents: 2,
      completedParents: 2,
      dependenciesSatisfied: true,
      readyForExecution: true,
    });
    expect(steps.after_running).toMatchObject({
      totalParents: 2,
      completedParents: 1,
      dependenciesSatisfied: false,
      readyForExecution: false,
    });
    expect(steps.running).toMatchObject({ readyForExecution: false, currentState: 'in_progress' });
    expect(steps.done?.readyForExecution).toBe(false);
    const ready = await readySteps(db.pool, [taskUuid]);
    expect(ready.map((step) => step.name).sort()).toEqual(['after_done', 'root']);
    expect(ready[0]).toMatchObject({ namespaceName: 'test', taskUuid, currentState: 'pending' });
  });

  test('a subset of steps can be asked for', async () => {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, {
      steps: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }],
    });
    const rows = await stepReadiness(db.pool, taskUuid, [steps.b ?? '']);
    expect(rows.map((row) => row.name)).toEqual(['b']);
  });

  test('completing a parent makes its child ready', async () => {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [
        { name: 'a', state: 'enqueued_for_orchestration', attempts: 1 },
        { name: 'b', dependsOn: ['a'] },
      ],
    });
    expect((await readySteps(db.pool, [taskUuid])).length).toBe(0);
    await db.pool.query(
      `select tasker.transition_step_state_atomic($1, 'enqueued_for_orchestration', 'complete')`,
      [steps.a],
    );
    expect((await readySteps(db.pool, [taskUuid])).map((step) => step.name)).toEqual(['b']);
  });
});

describe('retry eligibility', () => {
  test('attempts = 0 is eligible whatever the policy; then retryable and attempts < max_attempts', async () => {
    const old = secondsAgo(120);
    const { taskUuid } = await insertTaskGraph(db.pool, {
      state: 'waiting_for_retry',
      steps: [
        { name: 'fresh_not_retryable', retryable: false },
        { name: 'left', state: 'waiting_for_retry', attempts: 2, maxAttempts: 3, lastFailureAt: old },
        { name: 'used_up', state: 'waiting_for_retry', attempts: 3, maxAttempts: 3, lastFailureAt: old },
        {
          name: 'not_retryable',
          state: 'waiting_for_retry',
          attempts: 1,
          retryable: false,
          lastFailureAt: old,
        },
      ],
    });
    const steps = byName(await stepReadiness(db.pool, taskUuid));
    expect(steps.fresh_not_retryable).toMatchObject({ retryEligible: true, readyForExecution: true });
    expect(steps.left).toMatchObject({ retryEligible: true, readyForExecution: true });
    expect(steps.used_up).toMatchObject({ retryEligible: false, readyForExecution: false });
    expect(steps.not_retryable).toMatchObject({ retryEligible: false, readyForExecution: false });
  });
});

describe('backoff', () => {
  test('exponential: min(2^attempts, 60) s after the last failure', async () => {
    const { taskUuid } = await insertTaskGraph(db.pool, {
      state: 'waiting_for_retry',
      steps: [
        // 2^1 = 2 s after a failure 10 s ago: past
        { name: 'past', state: 'waiting_for_retry', attempts: 1, lastFailureAt: secondsAgo(10) },
        // 2^2 = 4 s after a failure just now: running
        {
          name: 'running',
          state: 'waiting_for_retry',
          attempts: 2,
          maxAttempts: 5,
          lastFailureAt: new Date(),
        },
        // 2^10 capped at 60 s, after a failure 59 s ago: not yet; the cap, not 1024 s
        {
          name: 'capped',
          state: 'waiting_for_retry',
          attempts: 10,
          maxAttempts: 20,
          lastFailureAt: secondsAgo(59),
        },
      ],
    });
    const { rows } = await db.pool.query<{ name: string; past: boolean; delay: number }>(
      `select name, next_retry_at <= now() as past,
         extract(epoch from next_retry_at - last_failure_at)::float8 as delay
       from tasker.get_step_readiness_status($1)`,
      [taskUuid],
    );
    const steps = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(steps.past).toEqual({ name: 'past', past: true, delay: 2 });
    expect(steps.running).toEqual({ name: 'running', past: false, delay: 4 });
    expect(steps.capped).toEqual({ name: 'capped', past: false, delay: 60 });
    const readiness = byName(await stepReadiness(db.pool, taskUuid));
    expect(readiness.past?.readyForExecution).toBe(true);
    expect(readiness.running?.readyForExecution).toBe(false);
    expect(readiness.capped?.readyForExecution).toBe(false);
  });

  test("a handler's explicit backoff counts from the last attempt and wins over the exponential one", async () => {
    const { taskUuid } = await insertTaskGraph(db.pool, {
      state: 'waiting_for_retry',
      steps: [
        {
          name: 'explicit',
          state: 'waiting_for_retry',
          attempts: 1,
          backoffRequestSeconds: 30,
          lastAttemptedAt: secondsAgo(10),
          lastFailureAt: secondsAgo(10),
        },
      ],
    });
    const { rows } = await db.pool.query(
      `select next_retry_at > now() as waiting, next_retry_at = last_attempted_at + interval '30 seconds' as explicit,
         ready_for_execution from tasker.get_step_readiness_status($1)`,
      [taskUuid],
    );
    expect(rows[0]).toEqual({ waiting: true, explicit: true, ready_for_execution: false });
  });

  test('a failure recorded by the state machine starts the backoff', async () => {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, {
      state: 'steps_in_process',
      steps: [{ name: 'a', state: 'enqueued' }],
    });
    const step = steps.a ?? '';
    for (const [from, to] of [
      ['enqueued', 'in_progress'],
      ['in_progress', 'enqueued_as_error_for_orchestration'],
      ['enqueued_as_error_for_orchestration', 'waiting_for_retry'],
    ]) {
      await db.pool.query('select tasker.transition_step_state_atomic($1, $2, $3)', [step, from, to]);
    }
    const [row] = await stepReadiness(db.pool, taskUuid);
    expect(row).toMatchObject({ attempts: 1, currentState: 'waiting_for_retry', readyForExecution: false });
    expect(row?.nextRetryAt?.getTime()).toBe((row?.lastFailureAt?.getTime() ?? 0) + 2000);
  });
});
