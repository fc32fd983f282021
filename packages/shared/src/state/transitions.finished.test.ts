/**
 * FINISHED_TASK_STATES is the SQL's own notion of a finished task, asked of the SQL for every task
 * state: a task with a ready step gets no ready_at exactly when it is finished (pending aside: it is
 * ready from its request), and a worker's claim of its enqueued step is refused as `finished` exactly
 * then.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { expect, test } from 'vitest';
import { ensureQueue, sendWithNotify } from '../queue/messaging.ts';
import { workerQueueName } from '../queue/queueNames.ts';
import { insertTaskGraph } from '../testing/insertTaskGraph.ts';
import {
  FINISHED_TASK_STATES,
  isFinishedTaskState,
  isSucceededTaskState,
  TASK_STATES,
} from './transitions.ts';

const db = useTestDatabase();

test('the states whose ready step gives the task no ready_at are the finished ones', async () => {
  const noReadyAt: string[] = [];
  for (const state of TASK_STATES) {
    const { taskUuid } = await insertTaskGraph(db.pool, { state, steps: [{ name: 'ready' }] });
    const { rows } = await db.pool.query<{ ready_at: Date | null; requested_at: Date }>(
      'select ready_at, requested_at from tasker.tasks where task_uuid = $1',
      [taskUuid],
    );
    const row = rows[0];
    if (state === 'pending') expect(row?.ready_at).toEqual(row?.requested_at);
    else if (row?.ready_at === null) noReadyAt.push(state);
  }
  expect(noReadyAt.sort()).toEqual([...FINISHED_TASK_STATES].sort());
});

test("the states whose enqueued step a worker's claim refuses as finished are the finished ones", async () => {
  const namespace = 'finished_states';
  const queue = workerQueueName(namespace);
  await ensureQueue(db.pool, queue);
  const stateOfStep = new Map<string, string>();
  for (const state of TASK_STATES) {
    const { taskUuid, steps } = await insertTaskGraph(db.pool, {
      state,
      namespace,
      steps: [{ name: 'claimable', state: 'enqueued' }],
    });
    const stepUuid = steps.claimable ?? '';
    stateOfStep.set(stepUuid, state);
    await sendWithNotify(db.pool, queue, { task_uuid: taskUuid, step_uuid: stepUuid });
  }
  const { rows } = await db.pool.query<{ step_uuid: string; outcome: string }>(
    'select step_uuid, outcome from tasker.claim_step_messages($1, 30, $2)',
    [queue, TASK_STATES.length],
  );
  expect(rows).toHaveLength(TASK_STATES.length);
  const refused = rows
    .filter((row) => row.outcome === 'finished')
    .map((row) => stateOfStep.get(row.step_uuid));
  expect(refused.sort()).toEqual([...FINISHED_TASK_STATES].sort());
  // every other one was claimed
  expect(rows.filter((row) => row.outcome === 'claimed')).toHaveLength(
    TASK_STATES.length - FINISHED_TASK_STATES.length,
  );
});

test('isFinishedTaskState and isSucceededTaskState', () => {
  expect(TASK_STATES.filter(isFinishedTaskState)).toEqual([
    'complete',
    'error',
    'cancelled',
    'resolved_manually',
  ]);
  expect(TASK_STATES.filter(isSucceededTaskState)).toEqual(['complete', 'resolved_manually']);
  expect(isFinishedTaskState('blocked_by_failures')).toBe(false);
});
