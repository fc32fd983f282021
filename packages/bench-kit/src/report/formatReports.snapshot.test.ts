import { expect, test } from 'vitest';
import { targetRegistry } from '../targets/registry.ts';
import { buildCiReport } from './ciJson.ts';
import { formatBanner } from './formatBanner.ts';
import { formatLog } from './formatLog.ts';
import { formatSummary } from './formatSummary.ts';
import {
  eventPropagation,
  FIXTURE_FLOOR,
  FIXTURE_PASSWORD,
  fixtureEnvironment,
  peersSuite,
  pgmqSuite,
} from './reportFixture.ts';
import { buildSuiteReport } from './suiteReport.ts';

const reports = [eventPropagation, pgmqSuite].map((suite) => buildSuiteReport(suite, targetRegistry));
const [events, pgmq] = reports as [(typeof reports)[number], (typeof reports)[number]];

test('console banner of a suite', () => {
  expect(
    formatBanner(events, { log: 'tmp/benchmarks/latest/event_propagation.log', floor: FIXTURE_FLOOR }),
  ).toMatchSnapshot();
  expect(formatBanner(pgmq)).toMatchSnapshot();
});

test('the seed format: results banner, statuses in words, prerequisites and the floor in the log', () => {
  const banner = formatBanner(events, { floor: FIXTURE_FLOOR });
  expect(banner).toMatch(/^═+\nBENCHMARK RESULTS: EVENT_PROPAGATION\n═+\n/);
  expect(banner).toContain('\nPerformance Summary\n');
  expect(banner).toContain('\nKey Findings\n');
  // signal-only p50 0.6373 ms against ≤ 1 ms: 1 / 0.6373 = 1.57; in round trips of 0.05 ms: 12.7
  expect(banner).toMatch(
    /signal-only notification +p50 +0\.6373 ms +≤ 1\.000 ms +13 RT +✅ 1\.6x better than target/,
  );
  // fan-out p50 1.625 ms against ≤ 1 ms: 1.6x worse
  expect(banner).toMatch(/fan-out to 5 listeners +p50 .* ⚠️ 1\.6x worse than target/);
  const log = formatLog(events, fixtureEnvironment);
  const prerequisites = log.slice(log.indexOf('## Prerequisites'), log.indexOf('## Environment'));
  expect(prerequisites).toContain('✅ Machine floor: round trip (select 1) p50 0.0500 ms');
  expect(prerequisites).toContain(
    'NOTIFY → LISTEN p50 0.1250 ms · commit (1-row insert) p50 0.4000 ms; 300 tries each',
  );
  expect(prerequisites.trimEnd().endsWith('All prerequisites met')).toBe(true);
  const noFloor = formatLog(events, { ...fixtureEnvironment, floor: undefined });
  expect(noFloor).toContain('❌ Machine floor: not measured');
  expect(noFloor).toContain('Prerequisites not met: Machine floor');
});

test('markdown log of a suite', () => {
  expect(formatLog(events, fixtureEnvironment)).toMatchSnapshot();
  expect(formatLog(pgmq, fixtureEnvironment)).toMatchSnapshot();
});

test('markdown log of a suite with a comparison: the table after the Performance Summary', () => {
  const log = formatLog(buildSuiteReport(peersSuite, targetRegistry), fixtureEnvironment);
  expect(log).toMatchSnapshot();
  const table = log.slice(log.indexOf('## Comparison: peers'), log.indexOf('## Recorded measurements'));
  expect(log.indexOf('## Performance Summary')).toBeLessThan(log.indexOf('## Comparison: peers'));
  // one row per system, one column per figure, the reference in bold; every cell a figure and its
  // ratio, or a numbered reason
  expect(table).toContain(
    '| System | chain p50 (ms) ↓ | chain p95 (ms) ↓ | chain p99 (ms) ↓ | burn-down (jobs/s) ↑ | CPU (ms/job) ↓ | idle statements (statements/s) ↓ |',
  );
  expect(table).toMatch(
    /\| \*\*alpha\*\* \| [\d.]+ · 1\.00x \| [\d.]+ · 1\.00x \| [\d.]+ · 1\.00x \| 1,200 · 1\.00x \| 0\.8 · 1\.00x \| 0 · 1\.00x \|/,
  );
  expect(table).toMatch(/\| beta \| .* \| 900 · 0\.75x \| 1\.1 · 1\.38x \| 2 · no ratio \[1\] \|/);
  expect(table).toMatch(
    /\| gamma \| [\d.]+ · [\d.]+x \| [\d.]+ · [\d.]+x \| — \[2\] \| 300 · 0\.25x \| — \[3\] \| 120 · no ratio \[1\] \|/,
  );
  expect(table).toContain(
    "1. alpha's figure is 0\n2. p99 needs ≥ 100 samples (have 30)\n3. PostgreSQL CPU: the server is not local",
  );
  expect(table).toContain('- **chain**: 4 dependent jobs');
  expect(table).toContain('- **gamma**: gamma as configured for the fixture');
  expect(formatBanner(buildSuiteReport(peersSuite, targetRegistry))).toContain(
    'Comparison: peers — 3 rows × 6 figures, each with its ratio to alpha: in the log (## Comparison: peers)',
  );
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
