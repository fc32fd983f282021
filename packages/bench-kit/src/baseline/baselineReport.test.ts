import { expect, test } from 'vitest';
import { eventPropagation, fixtureEnvironment, pgmqSuite } from '../report/reportFixture.ts';
import { targetRegistry } from '../targets/registry.ts';
import { BASELINE_FORMAT, type BaselineRun } from './baselineFile.ts';
import { compareRun, formatBaselineTable, runSamples } from './baselineReport.ts';

test('a run against itself is Stable everywhere, and a new bench shows as New', () => {
  const current = runSamples([eventPropagation, pgmqSuite]);
  // benches and latency records with samples; throughput and bytes records have none
  expect(Object.keys(current)).toEqual([
    'event_propagation/payload notification',
    'event_propagation/signal-only notification',
    'event_propagation/fan-out to 5 listeners',
  ]);
  const baseline: BaselineRun = {
    format: BASELINE_FORMAT,
    name: 'main',
    savedAt: fixtureEnvironment.timestamp,
    environment: fixtureEnvironment,
    benches: { ...current },
  };
  delete baseline.benches['event_propagation/fan-out to 5 listeners'];
  const rows = compareRun(baseline, current, targetRegistry);
  expect(rows.map((r) => r.comparison?.verdict ?? 'New')).toEqual(['Stable', 'Stable', 'New']);
  expect(formatBaselineTable('main', rows)).toMatchSnapshot();
});
