import { expect, test } from 'vitest';
import { targetRegistry } from './registry.ts';

test('every entry is keyed <suite>/<name> and carries positive thresholds with a reference', () => {
  for (const [key, entry] of Object.entries(targetRegistry)) {
    expect(key).toMatch(/^[a-z_0-9]+\/\S.*$/);
    expect(entry.targets.length).toBeGreaterThan(0);
    for (const target of entry.targets) {
      expect(target.threshold).toBeGreaterThan(0);
      expect(target.reference).toMatch(/^issue 1[5-8]: /);
    }
  }
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
