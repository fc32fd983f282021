import { expect, test } from 'vitest';
import { targetRegistry } from './registry.ts';

test('every entry is keyed <suite>/<name> and carries positive thresholds with a reference', () => {
  for (const [key, entry] of Object.entries(targetRegistry)) {
    expect(key).toMatch(/^[a-z_0-9]+\/\S.*$/);
    // an entry without targets is a reported figure, listed only for its baseline noise
    if (entry.targets.length === 0) expect(entry.noise, key).toBeGreaterThan(0);
    for (const target of entry.targets) {
      expect(target.threshold).toBeGreaterThan(0);
      expect(target.reference).toMatch(/^issue (1[5-8]|2[5-8])\b.*: /);
    }
  }
});

test("the issue 25 cost targets: CPU per step at most graphile-worker's per job; counts reported", () => {
  for (const tasker of ['tasker', 'tasker (queue hand-off)']) {
    expect(targetRegistry[`step_cost/ratio ${tasker}/graphile-worker: CPU ms per step`]?.targets).toEqual([
      expect.objectContaining({ metric: 'value-max', threshold: 1 }),
    ]);
    for (const figure of ['statements per step', 'WAL bytes per step'])
      expect(targetRegistry[`step_cost/${tasker}: ${figure}`]).toEqual({ targets: [], noise: 0.1 });
  }
});

test('the issue 25 peer targets hold the default hand-off to 0.7x the chain and 1.5x the throughput', () => {
  expect(targetRegistry['peers/ratio tasker/graphile-worker: chain of 4 p50']?.targets[0]).toMatchObject({
    metric: 'value-max',
    threshold: 0.7,
  });
  expect(
    targetRegistry['peers/ratio graphile-worker/tasker: no-op jobs per second']?.targets[0]?.threshold,
  ).toBeCloseTo(1 / 1.5);
  expect(
    targetRegistry['peers/ratio tasker (queue hand-off)/graphile-worker: chain of 4 p50']?.targets[0]
      ?.threshold,
  ).toBe(2);
});

test('issue 26 reports the peers’ own counts of tasker with a narrow noise, and no threshold', () => {
  for (const key of [
    'peers/tasker: statements per step',
    'peers/tasker (queue hand-off): WAL bytes per step',
    'peers/tasker: idle statements per second',
  ])
    expect(targetRegistry[key], key).toEqual({ targets: [], noise: 0.1 });
});

test('the issue 15 targets are registered', () => {
  expect(targetRegistry['sql_functions/get_step_readiness_status']?.targets).toEqual([
    expect.objectContaining({ metric: 'mean', threshold: 0.5 }),
  ]);
  expect(
    targetRegistry['event_propagation/payload notification']?.targets.map((t) => [t.metric, t.threshold]),
  ).toEqual([
    ['p50', 1],
    ['p95', 2],
  ]);
  expect(targetRegistry['pgmq/send (single)']?.targets[0]).toMatchObject({
    metric: 'throughput-min',
    threshold: 1_500,
  });
  expect(targetRegistry['pgmq/send (batch 100)']?.targets[0]?.threshold).toBe(60_000);
  expect(targetRegistry['pgmq/read + archive (batch 100)']?.targets[0]?.threshold).toBe(30_000);
});
