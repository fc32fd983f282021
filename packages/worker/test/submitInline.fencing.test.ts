/**
 * tasker.submit_step_result_inline (11_worker_claim_submit.sql) keeps submit_step_result's fencing: after a
 * lease was taken over, the stale claim's submit is 'fenced' and changes nothing, the new holder's
 * is applied at once (the step is complete in the same transaction, no result message is sent) and
 * a late submit of the old claim is 'stale'; a status other than the two orchestration states is
 * refused with TKW01; a stale submit naming a msg_id that now carries another step's message (ids
 * reissued after a crash) leaves that message alone.
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

test('a stale submit whose msg_id now belongs to another step (reissued after a crash) leaves that message', async () => {
  // one step claimed and completed: its claim's msg_id is what a worker would still hold
  const done = { state: 'completed', results: '{}' } as const;
  const finished = await seedTask(db.pool, singleStep('inline_reissued', 'noop'));
  const [held] = await claim(finished.queue, 30);
  if (!held || !isClaimed(held)) throw new Error('expected a claim');
  expect(await submitStepResult(db.pool, held, done, 'inline')).toBe('submitted');
  // another task's step, enqueued with its message; the old claim names that message's id
  const waiting = await seedTask(db.pool, singleStep('inline_reissued', 'noop'));
  const { rows } = await db.pool.query<{ msg_id: string }>(
    `select msg_id::text from pgmq.q_${waiting.queue} where message->>'step_uuid' = $1`,
    [waiting.steps.get('only')],
  );
  const reissued = rows[0]?.msg_id ?? '';
  expect(await submitStepResult(db.pool, { ...held, msgId: reissued }, done, 'inline')).toBe('stale');
  // the other step's delivery is still there, and it is claimed and completed
  const [next] = await claim(waiting.queue, 30);
  expect(next).toMatchObject({ outcome: 'claimed', stepUuid: waiting.steps.get('only') });
  if (!next || !isClaimed(next)) throw new Error('expected the waiting step to be claimed');
  expect(await submitStepResult(db.pool, next, done, 'inline')).toBe('submitted');
  expect(await stepRow(db.pool, waiting.steps.get('only') ?? '')).toMatchObject({
    current_state: 'complete',
  });
});
