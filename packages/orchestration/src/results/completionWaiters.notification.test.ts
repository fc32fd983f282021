import { expect, test } from 'vitest';
import { CompletionWaiters } from './completionWaiters.ts';

const TASK = '019ad6a0-0000-7000-8000-000000000001';
const payload = (state: string, taskUuid = TASK) =>
  JSON.stringify({ task_uuid: taskUuid, state, correlation_id: null, failed_step: null });

test('a task_completed payload wakes the waiters of its task, not those of another', async () => {
  const waiters = new CompletionWaiters();
  const mine = waiters.register(TASK, 5_000);
  const other = waiters.register('019ad6a0-0000-7000-8000-000000000009', 50);
  waiters.onNotification(payload('complete'));
  await expect(mine.wait).resolves.toEqual({
    kind: 'finished',
    event: { task_uuid: TASK, state: 'complete', correlation_id: null, failed_step: null },
  });
  await expect(other.wait).resolves.toEqual({ kind: 'timeout' });
  expect(waiters.size).toBe(0);
});

test('a payload that is not a completion leaves the waiters waiting', async () => {
  const waiters = new CompletionWaiters();
  const waiter = waiters.register(TASK, 50);
  waiters.onNotification('not json');
  waiters.onNotification(payload('no_such_state'));
  expect(waiters.size).toBe(1);
  await expect(waiter.wait).resolves.toEqual({ kind: 'timeout' });
});

test('with nobody waiting a payload is dropped, and a later waiter is not woken by it', async () => {
  const waiters = new CompletionWaiters();
  waiters.onNotification(payload('complete'));
  const waiter = waiters.register(TASK, 50);
  await expect(waiter.wait).resolves.toEqual({ kind: 'timeout' });
});
