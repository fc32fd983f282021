/** backoffDelay against hand-computed values. */
import { expect, test } from 'vitest';
import { backoffDelay } from './backoff.ts';

const mid = () => 0.5; // no jitter either way

test('doubles from the initial delay up to the cap', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000 };
  expect([0, 1, 2, 3, 4, 5, 20].map((attempt) => backoffDelay(attempt, options, mid))).toEqual([
    100, 200, 400, 800, 1_000, 1_000, 1_000,
  ]);
});

test('jitter spreads a delay by ±jitter and never passes the cap', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.2 };
  expect(backoffDelay(1, options, () => 0)).toBe(160);
  expect(backoffDelay(1, options, () => 1)).toBe(240);
  expect(backoffDelay(10, options, () => 1)).toBe(1_000);
  expect(backoffDelay(10, options, () => 0)).toBe(800);
});

test('defaults: 100 ms doubling to 10 s', () => {
  expect(backoffDelay(0, {}, mid)).toBe(100);
  expect(backoffDelay(30, {}, mid)).toBe(10_000);
});
