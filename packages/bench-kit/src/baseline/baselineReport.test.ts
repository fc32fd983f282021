import { expect, test } from 'vitest';
import { eventPropagation, fixtureEnvironment, pgmqSuite } from '../report/reportFixture.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import { targetRegistry } from '../targets/registry.ts';
import { BASELINE_FORMAT, type BaselineRun } from './baselineFile.ts';
import { compareRun, formatBaselineTable } from './baselineReport.ts';
import { type RunFigures, runFigures } from './runFigures.ts';

const baselineOf = (figures: RunFigures): BaselineRun => ({
  format: BASELINE_FORMAT,
  name: 'main',
  savedAt: fixtureEnvironment.timestamp,
  environment: fixtureEnvironment,
  figures,
});

test('every figure of a run is stored: benches, latency, throughput, bytes, growth, breakdown', () => {
  const figures = runFigures([eventPropagation, pgmqSuite], targetRegistry);
  expect(
    Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, [f.kind, f.unit, f.better]])),
  ).toEqual({
    'event_propagation/payload notification': ['latency', 'ms', 'lower'],
    'event_propagation/signal-only notification': ['latency', 'ms', 'lower'],
    'event_propagation/fan-out to 5 listeners': ['latency', 'ms', 'lower'],
    'event_propagation/notify breakdown': ['breakdown', 'ms', 'lower'],
    'pgmq/send (single)': ['throughput', 'msgs/s', 'higher'],
    'pgmq/send (batch 100)': ['throughput', 'msgs/s', 'higher'],
    'pgmq/queue table': ['bytes', 'bytes', 'lower'],
    'pgmq/read latency growth': ['growth', 'x', 'lower'],
  });
  expect(figures['pgmq/send (single)']?.value).toBe(1_820);
  expect(figures['event_propagation/notify breakdown']?.value).toBeCloseTo(0.86, 10);
  expect(figures['event_propagation/payload notification']?.samplesMs).toHaveLength(150);
});

test('a run against itself is unchanged everywhere, and a new figure shows as new', () => {
  const current = runFigures([eventPropagation, pgmqSuite], targetRegistry);
  const baseline = baselineOf({ ...current });
  delete baseline.figures['event_propagation/fan-out to 5 listeners'];
  const rows = compareRun(baseline, current, targetRegistry);
  expect(rows.map((r) => [r.key, r.comparison?.verdict ?? 'new'])).toEqual([
    ['event_propagation/payload notification', 'unchanged'],
    ['event_propagation/signal-only notification', 'unchanged'],
    ['event_propagation/fan-out to 5 listeners', 'new'],
    ['event_propagation/notify breakdown', 'unchanged'],
    ['pgmq/send (single)', 'unchanged'],
    ['pgmq/send (batch 100)', 'unchanged'],
    ['pgmq/queue table', 'unchanged'],
    ['pgmq/read latency growth', 'unchanged'],
  ]);
  expect(formatBaselineTable('main', rows)).toMatchSnapshot();
});

/** The pgmq fixture suite with its figures changed: throughput halved, growth and size up. */
const worse: SuiteResult = {
  ...pgmqSuite,
  records: pgmqSuite.records.map((r) => {
    const m = r.measurement;
    if (m.kind === 'throughput') return { ...r, measurement: { ...m, perSecond: m.perSecond / 2 } };
    if (m.kind === 'growth') return { ...r, measurement: { ...m, ratio: m.ratio * 1.5 } };
    if (m.kind === 'bytes') return { ...r, measurement: { ...m, bytes: m.bytes * 2 } };
    return r;
  }),
};

test('throughput halved, growth ratio and size up: each regressed, named with its test', () => {
  const baseline = baselineOf(runFigures([pgmqSuite], targetRegistry));
  const rows = compareRun(baseline, runFigures([worse], targetRegistry), targetRegistry);
  expect(rows.map((r) => [r.key, r.comparison?.change, r.comparison?.verdict])).toEqual([
    ['pgmq/send (single)', -0.5, 'regressed'],
    ['pgmq/send (batch 100)', -0.5, 'regressed'],
    ['pgmq/queue table', 1, 'regressed'],
    ['pgmq/read latency growth', expect.closeTo(0.5, 10), 'regressed'],
  ]);
  const table = formatBaselineTable('main', rows);
  expect(table).toContain(
    '| pgmq/send (single) | throughput, higher is better | 1,820 msgs/s | 910 msgs/s | -50.0% | relative-change (±25% threshold) | 🔴 regressed |',
  );
  expect(table).toContain('- `relative-change`: one value each: the relative change against the threshold');
  // the other way round, the same changes are improvements
  const back = compareRun(
    baselineOf(runFigures([worse], targetRegistry)),
    runFigures([pgmqSuite], targetRegistry),
    targetRegistry,
  );
  expect(back.map((r) => r.comparison?.verdict)).toEqual(['improved', 'improved', 'improved', 'improved']);
});

test('peer ratios: the direction comes from the bench, else the target; a changed unit is not compared', () => {
  const peers = (taskerRatio: number, peerRate: number, unit = 'x'): SuiteResult => ({
    suite: 'peers',
    file: 'packages/e2e/bench/peers.bench.ts',
    project: 'e2e (bench)',
    benches: [],
    failures: [],
    records: [
      {
        name: 'ratio tasker/graphile-worker: chain of 4 p50',
        test: 'peers',
        // no `better`: the registry's ceiling target says lower is better
        measurement: { kind: 'value', value: taskerRatio, unit },
      },
      {
        name: 'ratio pg-boss/tasker: no-op jobs per second',
        test: 'peers',
        measurement: { kind: 'value', value: peerRate, unit: 'x', better: 'lower' },
      },
      { name: 'configuration', test: 'peers', measurement: { kind: 'value', value: 4, unit: 'systems' } },
    ],
  });
  const baseline = baselineOf(runFigures([peers(1.2, 0.5)], targetRegistry));
  const rows = compareRun(baseline, runFigures([peers(2.4, 1, 'x')], targetRegistry), targetRegistry);
  expect(rows.map((r) => [r.current.better, r.comparison?.verdict])).toEqual([
    ['lower', 'regressed'],
    ['lower', 'regressed'],
    [null, 'unchanged'],
  ]);
  const relabelled = compareRun(baseline, runFigures([peers(1.2, 0.5, '%')], targetRegistry), targetRegistry);
  expect(relabelled[0]?.comparison).toBeUndefined();
});
