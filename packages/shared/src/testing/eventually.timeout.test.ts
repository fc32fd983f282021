/**
 * The one bounded wait: it returns the first answer (not undefined, null or false), calls a check
 * that threw again, and after the timeout rejects naming what it waited for, the last error as cause.
 */
import { expect, test } from 'vitest';
import { eventually } from './eventually.ts';

test('returns the first answer, after unanswered checks and one that threw', async () => {
  const answers = [undefined, null, false, 'throw', { n: 4 }];
  let calls = 0;
  const answer = await eventually('the fourth call', async () => {
    const next = answers[calls++];
    if (next === 'throw') throw new Error('not yet');
    return next;
  });
  expect(answer).toEqual({ n: 4 });
  expect(calls).toBe(5);
});

test('times out naming what it waited for, with the last error as its cause', async () => {
  const cause = new Error('database is down');
  const started = performance.now();
  const failure = eventually('the database', () => Promise.reject(cause), { timeoutMs: 100, intervalMs: 10 });
  await expect(failure).rejects.toThrow('timed out after 100 ms waiting for the database');
  await expect(failure).rejects.toMatchObject({ cause });
  expect(performance.now() - started).toBeGreaterThanOrEqual(100);
});
