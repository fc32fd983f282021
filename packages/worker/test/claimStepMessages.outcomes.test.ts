/**
 * tasker.claim_step_messages / submit_step_result (11_worker_claim_submit.sql) on a real database: each claim
 * outcome, the fencing token, and the claim race scripted on two connections (PGMQ's isolation-spec
 * style: begin A, claim A, claim B blocks on the step row, commit A, B loses).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { claimStepMessages, isClaimed, submitStepResult } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { describe, expect, test } from 'vitest';
import { resultMessages, sendStepMessage, singleStep, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();
let n = 0;
/** a namespace (so a queue) per test: queue lengths are the test's own */
const ns = () => `claims_${++n}`;

const claim = (queue: string, vt = 30, qty = 10) =>
  claimStepMessages(db.pool, queue, { visibilityTimeoutSeconds: vt, qty, workerId: 'test' });

const queueLength = async (queue: string) =>
  Number(
    (await db.pool.query<{ n: string }>(`select queue_length as n from pgmq.metrics($1)`, [queue])).rows[0]
      ?.n,
  );

describe('claim_step_messages', () => {
  test('claims an enqueued step with its handler context; attempt counts the claim', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'square'), { context: { even_number: 6 } });
    const [result] = await claim(task.queue);
    expect(result).toMatchObject({
      outcome: 'claimed',
      taskUuid: task.taskUuid,
      stepUuid: task.steps.get('only'),
      correlationId: task.correlationId,
      stepName: 'only',
      handler: 'square',
      attempt: 1,
      maxAttempts: 3,
      taskContext: { even_number: 6 },
      dependencies: [],
    });
    expect((await stepRow(db.pool, task.steps.get('only') ?? '')).current_state).toBe('in_progress');
  });

  test('a second message for a claimed step is a duplicate and is archived; nothing else changes', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'noop'));
    const step = task.steps.get('only') ?? '';
    await sendStepMessage(db.pool, task, step);
    const results = await claim(task.queue);
    expect(results.map((r) => r.outcome)).toEqual(['claimed', 'duplicate']);
    expect(await queueLength(task.queue)).toBe(1); // only the claimed message, hidden
    expect((await stepRow(db.pool, step)).attempts).toBe(1);
  });

  test('a redelivered message whose claim is still live is left hidden (lease_held), not archived', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'noop'));
    const [first] = await claim(task.queue);
    await db.pool.query('select pgmq.set_vt($1, $2::bigint, 0)', [task.queue, first?.msgId]);
    const [again] = await claim(task.queue);
    expect(again).toMatchObject({ outcome: 'lease_held', msgId: first?.msgId, readCount: 2 });
    expect(await queueLength(task.queue)).toBe(1);
  });

  test('an expired claim is taken over: attempt + 1, recorded, and the old claim is fenced out', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'noop'));
    const step = task.steps.get('only') ?? '';
    const [first] = await claim(task.queue, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const [second] = await claim(task.queue, 30);
    expect(second).toMatchObject({ outcome: 'reclaimed', msgId: first?.msgId, attempt: 2 });
    const { rows } = await db.pool.query<{ from_state: string; to_state: string; reclaimed: boolean }>(
      `select from_state, to_state, (metadata->>'reclaimed')::boolean as reclaimed
       from tasker.workflow_step_transitions where workflow_step_uuid = $1 order by sort_key`,
      [step],
    );
    expect(rows.slice(-2)).toEqual([
      { from_state: 'enqueued', to_state: 'in_progress', reclaimed: null },
      { from_state: 'in_progress', to_state: 'in_progress', reclaimed: true },
    ]);
    if (!first || !isClaimed(first) || !second || !isClaimed(second)) throw new Error('expected claims');
    const done = { state: 'completed', results: '{"by":"first"}' } as const;
    expect(await submitStepResult(db.pool, first, done)).toBe('fenced');
    expect(await queueLength(task.queue)).toBe(1); // the new holder keeps its message
    expect(await submitStepResult(db.pool, second, { ...done, results: '{"by":"second"}' })).toBe(
      'submitted',
    );
    expect(await submitStepResult(db.pool, first, done)).toBe('stale');
    expect(await stepRow(db.pool, step)).toMatchObject({
      current_state: 'enqueued_for_orchestration',
      attempts: 2,
      results: { by: 'second' },
    });
    expect(await resultMessages(db.pool, task.taskUuid)).toHaveLength(1);
    expect(await queueLength(task.queue)).toBe(0);
  });

  test('messages of cancelled tasks, finished steps, unknown steps and garbage are archived', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'noop'));
    await db.pool.query(`update tasker.tasks set current_state = 'cancelled' where task_uuid = $1`, [
      task.taskUuid,
    ]);
    await db.pool.query('select pgmq.send($1, $2::jsonb)', [task.queue, '{"step_uuid": "not-a-uuid"}']);
    await db.pool.query('select pgmq.send($1, $2::jsonb)', [
      task.queue,
      JSON.stringify({ step_uuid: '0192f1e2-0000-7000-8000-00000000dead' }),
    ]);
    const results = await claim(task.queue);
    expect(results.map((r) => r.outcome)).toEqual(['finished', 'invalid', 'finished']);
    expect(await queueLength(task.queue)).toBe(0);
    expect((await stepRow(db.pool, task.steps.get('only') ?? '')).current_state).toBe('enqueued');
  });

  test('race on two connections: B blocks on the step row while A holds its claim, then loses', async () => {
    const task = await seedTask(db.pool, singleStep(ns(), 'noop'));
    const step = task.steps.get('only') ?? '';
    await sendStepMessage(db.pool, task, step); // two messages, one step
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('begin');
      const [claimA] = await claimStepMessages(a, task.queue, { visibilityTimeoutSeconds: 30, qty: 1 });
      expect(claimA?.outcome).toBe('claimed');
      let bDone = false;
      const claimB = claimStepMessages(b, task.queue, { visibilityTimeoutSeconds: 30, qty: 1 }).finally(
        () => {
          bDone = true;
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(bDone).toBe(false); // waiting for A's step row lock
      await a.query('commit');
      expect((await claimB).map((r) => r.outcome)).toEqual(['duplicate']);
      expect((await stepRow(db.pool, step)).attempts).toBe(1);
    } finally {
      await a.query('rollback').catch(() => undefined);
      a.release();
      b.release();
    }
  });
});
