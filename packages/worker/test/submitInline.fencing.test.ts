/**
 * tasker.submit_step_result_inline (11_worker_claim_submit.sql) keeps submit_step_result's fencing: after a
 * lease was taken over, the stale claim's submit is 'fenced' and changes nothing, the new holder's
 * is applied at once (the step is complete in the same transaction, no result message is sent) and
 * a late submit of the old claim is 'stale'; a status other than the two orchestration states is
 * refused with TKW01.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { claimStepMessages, isClaimed, submitStepResult } from '@tasker/shared';
import { seedTask } from '@tasker/shared/testing';
import { expect, test } from 'vitest';
import { resultMessages, singleStep, stepRow } from './helpers/workerSteps.ts';

const db = useTestDatabase();

const claim = (queue: string, vt: number) =>
  claimStepMessages(db.pool, queue, { visibilityTimeoutSeconds: vt, qty: 10, workerId: 'test' });

test('fenced, then submitted and applied in place, then stale; no result message', async () => {
  const task = await seedTask(db.pool, singleStep('inline_fencing', 'noop'));
  const step = task.steps.get('only') ?? '';
  const [first] = await claim(task.queue, 1);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const [second] = await claim(task.queue, 30);
  if (!first || !isClaimed(first) || !second || !isClaimed(second)) throw new Error('expected claims');
  expect(second).toMatchObject({ outcome: 'reclaimed', attempt: 2 });

  const done = { state: 'completed', results: '{"by":"first"}' } as const;
  expect(await submitStepResult(db.pool, first, done, 'inline')).toBe('fenced');
  expect(await stepRow(db.pool, step)).toMatchObject({ current_state: 'in_progress', attempts: 2 });
  expect(await submitStepResult(db.pool, second, { ...done, results: '{"by":"second"}' }, 'inline')).toBe(
    'submitted',
  );
  expect(await submitStepResult(db.pool, first, done, 'inline')).toBe('stale');
  expect(await stepRow(db.pool, step)).toMatchObject({
    current_state: 'complete',
    results: { by: 'second' },
  });
  expect(await resultMessages(db.pool, task.taskUuid)).toHaveLength(0);
  const { rows } = await db.pool.query<{ to_state: string }>(
    `select to_state from tasker.workflow_step_transitions where workflow_step_uuid = $1 order by sort_key`,
    [step],
  );
  expect(rows.map((row) => row.to_state).slice(-2)).toEqual(['enqueued_for_orchestration', 'complete']);
});

test('a status other than the orchestration states is refused (TKW01)', async () => {
  await expect(
    db.pool.query(
      `select tasker.submit_step_result_inline('worker_x_queue', 1, gen_random_uuid(), 1, 'complete', '{}'::jsonb)`,
    ),
  ).rejects.toMatchObject({ code: 'TKW01' });
});
