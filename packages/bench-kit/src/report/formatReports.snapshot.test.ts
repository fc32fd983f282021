import { expect, test } from 'vitest';
import { targetRegistry } from '../targets/registry.ts';
import { buildCiReport } from './ciJson.ts';
import { formatBanner } from './formatBanner.ts';
import { formatLog } from './formatLog.ts';
import { formatSummary } from './formatSummary.ts';
import { eventPropagation, FIXTURE_PASSWORD, fixtureEnvironment, pgmqSuite } from './reportFixture.ts';
import { buildSuiteReport } from './suiteReport.ts';

const reports = [eventPropagation, pgmqSuite].map((suite) => buildSuiteReport(suite, targetRegistry));
const [events, pgmq] = reports as [(typeof reports)[number], (typeof reports)[number]];

test('console banner of a suite', () => {
  expect(formatBanner(events, { log: 'tmp/benchmarks/latest/event_propagation.log' })).toMatchSnapshot();
  expect(formatBanner(pgmq)).toMatchSnapshot();
});

test('markdown log of a suite', () => {
  expect(formatLog(events, fixtureEnvironment)).toMatchSnapshot();
  expect(formatLog(pgmq, fixtureEnvironment)).toMatchSnapshot();
});

test('summary over the suites of a run', () => {
  expect(formatSummary(reports, fixtureEnvironment)).toMatchSnapshot();
});

test('key findings name what is over target, seq scans, withheld percentiles and failures', () => {
  expect(events.findings.join('\n')).toContain('⚠️ payload notification: p95');
  expect(events.findings.join('\n')).toContain('Seq Scan on pgmq.q_bench touched 25,000 rows');
  expect(events.findings.join('\n')).toContain('p99 needs ≥ 100 samples (have 40)');
  expect(pgmq.findings[0]).toBe('❌ failed: logged vs unlogged — relation "pgmq.q_unlogged" does not exist');
});

test('no output carries the password', () => {
  const outputs = [
    ...reports.map((r) => formatBanner(r)),
    ...reports.map((r) => formatLog(r, fixtureEnvironment)),
    ...reports.map((r) => JSON.stringify(buildCiReport(r, fixtureEnvironment))),
    formatSummary(reports, fixtureEnvironment),
  ];
  for (const output of outputs) expect(output).not.toContain(FIXTURE_PASSWORD);
});
