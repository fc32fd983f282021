/**
 * Transitions outside the table are rejected, in SQL (SQLSTATE TK001 naming from and to) and through
 * the TypeScript wrappers (IllegalTransitionError); a legal CAS records history and its side effects.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { IllegalTransitionError, NotFoundError } from '../sqlErrors.ts';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import { transitionStepState, transitionTaskState } from './transitionState.ts';

const db = useTestDatabase();

describe('illegal transitions', () => {
  test('SQL rejects a step transition outside the table with TK001 naming from and to', async () => {
    const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
    const error = await db.pool
      .query(`select tasker.transition_step_state_atomic($1, 'pending', 'complete')`, [steps.a])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TK001',
      message: 'illegal step transition from pending to complete',
    });
    expect(String((error as { hint?: string }).hint)).toMatch(/pending allows: cancelled, enqueued/);
  });

  test('SQL rejects a task transition out of a terminal state', async () => {
    const { taskUuid } = await insertTaskGraph(db.pool, { state: 'complete', steps: [] });
    await expect(
      db.pool.query(`select tasker.transition_task_state_atomic($1, 'complete', 'pending')`, [taskUuid]),
    ).rejects.toMatchObject({ code: 'TK001', message: 'illegal task transition from complete to pending' });
  });

  test('the wrappers raise IllegalTransitionError with entity, from and to', async () => {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
    const stepError = await transitionStepState(db.pool, steps.a ?? '', 'enqueued', 'complete').catch(
      (e: unknown) => e,
    );
    expect(stepError).toBeInstanceOf(IllegalTransitionError);
    expect(stepError).toMatchObject({ entity: 'step', from: 'enqueued', to: 'complete' });
    const taskError = await transitionTaskState(db.pool, taskUuid, 'pending', 'complete').catch(
      (e: unknown) => e,
    );
    expect(taskError).toMatchObject({ entity: 'task', from: 'pending', to: 'complete' });
  });

  test('an unknown uuid is NotFoundError, not a lost race', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    await expect(transitionStepState(db.pool, missing, 'pending', 'enqueued')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(transitionTaskState(db.pool, missing, 'pending', 'initializing')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('legal transitions', () => {
  test('a stale from_state loses (false) and changes nothing', async () => {
    const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'a', state: 'enqueued' }] });
    expect(await transitionStepState(db.pool, steps.a ?? '', 'pending', 'enqueued')).toBe(false);
    const { rows } = await db.pool.query(
      'select count(*)::int as n from tasker.workflow_step_transitions where workflow_step_uuid = $1',
      [steps.a],
    );
    expect(rows[0].n).toBe(1);
  });

  test('a step lifecycle keeps one most recent transition, in sort_key order, with its side effects', async () => {
    const { steps } = await insertTaskGraph(db.pool, { steps: [{ name: 'a' }] });
    const step = steps.a ?? '';
    expect(await transitionStepState(db.pool, step, 'pending', 'enqueued')).toBe(true);
    expect(await transitionStepState(db.pool, step, 'enqueued', 'in_progress', { worker: 'w1' })).toBe(true);
    const running = await db.pool.query(
      'select attempts, in_process, last_attempted_at <= now() as stamped from tasker.workflow_steps where workflow_step_uuid = $1',
      [step],
    );
    expect(running.rows[0]).toEqual({ attempts: 1, in_process: true, stamped: true });
    expect(await transitionStepState(db.pool, step, 'in_progress', 'enqueued_for_orchestration')).toBe(true);
    expect(await transitionStepState(db.pool, step, 'enqueued_for_orchestration', 'complete')).toBe(true);
    const { rows } = await db.pool.query(
      `select from_state, to_state, sort_key, metadata from tasker.workflow_step_transitions
       where workflow_step_uuid = $1 order by sort_key`,
      [step],
    );
    // append-only: each change one row, in order; the latest (highest sort_key) is the current state
    expect(rows.map((row) => [row.from_state, row.to_state, row.sort_key])).toEqual([
      [null, 'pending', 0],
      ['pending', 'enqueued', 1],
      ['enqueued', 'in_progress', 2],
      ['in_progress', 'enqueued_for_orchestration', 3],
      ['enqueued_for_orchestration', 'complete', 4],
    ]);
    expect(rows[2].metadata).toEqual({ worker: 'w1' });
    const done = await db.pool.query(
      'select current_state, in_process, processed from tasker.workflow_steps where workflow_step_uuid = $1',
      [step],
    );
    expect(done.rows[0]).toEqual({ current_state: 'complete', in_process: false, processed: true });
  });

  test('a task moving to complete sets complete and completed_at and leaves the ready index', async () => {
    const { taskUuid } = await insertTaskGraph(db.pool, { state: 'evaluating_results', steps: [] });
    expect(await transitionTaskState(db.pool, taskUuid, 'evaluating_results', 'complete')).toBe(true);
    const { rows } = await db.pool.query(
      'select complete, completed_at <= now() as stamped, ready_at from tasker.tasks where task_uuid = $1',
      [taskUuid],
    );
    expect(rows[0]).toEqual({ complete: true, stamped: true, ready_at: null });
  });
});
