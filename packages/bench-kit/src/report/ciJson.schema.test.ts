import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { targetRegistry } from '../targets/registry.ts';
import { buildCiReport } from './ciJson.ts';
import {
  eventPropagation,
  FIXTURE_FLOOR,
  fixtureEnvironment,
  peersSuite,
  pgmqSuite,
} from './reportFixture.ts';
import { buildSuiteReport } from './suiteReport.ts';
import { compileJsonSchema } from './validateJsonSchema.ts';
import { pointLatestAt, writeReports } from './writeReports.ts';

const validateCiJson = compileJsonSchema(
  JSON.parse(
    readFileSync(new URL('../../../../docs/benchmark-results.schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>,
);
const out = mkdtempSync(join(tmpdir(), 'tasker-reports-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('the CI JSON files writeReports produces validate against docs/benchmark-results.schema.json', () => {
  const reports = [eventPropagation, pgmqSuite].map((s) => buildSuiteReport(s, targetRegistry));
  const written = writeReports(out, reports, fixtureEnvironment, { savePlans: false });
  expect(readdirSync(join(out, 'ci')).sort()).toEqual(['event_propagation.json', 'pgmq.json']);
  for (const file of Object.values(written.json)) {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(validateCiJson(json)).toEqual([]);
  }
  expect(readdirSync(join(out, 'latest')).sort()).toEqual([
    'event_propagation.log',
    'pgmq.log',
    'summary.md',
  ]);
  expect(readdirSync(out).filter((f) => f.endsWith('.log'))).toEqual([
    '2025-01-31_142501-event_propagation.log',
    '2025-01-31_142501-pgmq.log',
  ]);
});

test('latest/ points at the dated logs: relative symlinks here, replaced by the next run', () => {
  const reports = [buildSuiteReport(pgmqSuite, targetRegistry)];
  const first = writeReports(out, reports, fixtureEnvironment, { savePlans: false });
  expect(first.latestAs).toBe('symlink');
  const latest = join(out, 'latest', 'pgmq.log');
  expect(lstatSync(latest).isSymbolicLink()).toBe(true);
  expect(readlinkSync(latest)).toBe(join('..', '2025-01-31_142501-pgmq.log'));
  const later = { ...fixtureEnvironment, timestamp: '2025-02-01T09:00:00.000Z' };
  writeReports(out, reports, later, { savePlans: false });
  expect(readlinkSync(latest)).toBe(join('..', '2025-02-01_090000-pgmq.log'));
  expect(readFileSync(latest, 'utf8')).toBe(readFileSync(join(out, '2025-02-01_090000-pgmq.log'), 'utf8'));
});

test('where the file system refuses a symlink, latest/ holds a copy, and says so', () => {
  const log = join(out, 'refused.log');
  writeFileSync(log, 'the dated log\n');
  const latest = join(out, 'latest', 'refused.log');
  const refuse = () => {
    throw Object.assign(new Error('EPERM: operation not permitted, symlink'), { code: 'EPERM' });
  };
  expect(pointLatestAt(log, latest, refuse)).toBe('copy');
  expect(lstatSync(latest).isSymbolicLink()).toBe(false);
  expect(readFileSync(latest, 'utf8')).toBe('the dated log\n');
  // the next run with symlinks replaces the copy
  expect(pointLatestAt(log, latest)).toBe('symlink');
  expect(lstatSync(latest).isSymbolicLink()).toBe(true);
});

test('the floor and the figures in round trips reach the CI JSON', () => {
  const ci = buildCiReport(buildSuiteReport(eventPropagation, targetRegistry), fixtureEnvironment);
  expect(ci.environment.floor).toEqual({
    round_trip_p50_ms: FIXTURE_FLOOR.roundTripMs,
    notify_listen_p50_ms: FIXTURE_FLOOR.notifyMs,
    commit_p50_ms: FIXTURE_FLOOR.commitMs,
    tries: FIXTURE_FLOOR.tries,
  });
  const p50 = ci.results.find((r) => r.name === 'payload notification' && r.metric === 'p50');
  if (!p50?.value) throw new Error('the fixture has a payload notification p50 row');
  // a ceiling of 1 ms: 1 / p50; in round trips of 0.05 ms: p50 / 0.05
  expect(p50.performance_ratio).toBeCloseTo(1 / p50.value, 10);
  expect(p50.round_trips).toBeCloseTo(p50.value / 0.05, 10);
  const bytes = buildCiReport(buildSuiteReport(pgmqSuite, targetRegistry), fixtureEnvironment).results.find(
    (r) => r.unit === 'bytes',
  );
  expect(bytes?.round_trips).toBeNull();
  const withoutFloor = buildCiReport(buildSuiteReport(eventPropagation, targetRegistry), {
    ...fixtureEnvironment,
    floor: undefined,
  });
  expect(withoutFloor.environment.floor).toBeNull();
  expect(withoutFloor.results.every((r) => r.round_trips === null)).toBe(true);
  expect(validateCiJson(withoutFloor)).toEqual([]);
});

test('summary counts: passed, failed, warnings', () => {
  const ci = buildCiReport(buildSuiteReport(pgmqSuite, targetRegistry), fixtureEnvironment);
  // send (single) within, send (batch 100) over, bytes and growth without a target, one failed test
  expect(ci.summary).toEqual({ total_tests: 5, passed: 1, failed: 1, warnings: 1, no_target: 2 });
  // a floor (≥ 60,000 msgs/s) missed at 52,000: measured / target, below 1
  expect(ci.results.find((r) => r.name === 'send (batch 100)')?.performance_ratio).toBeCloseTo(
    52_000 / 60_000,
    10,
  );
  // a floor met: send (single) 1,820 against ≥ 1,500
  expect(ci.results.find((r) => r.name === 'send (single)')?.performance_ratio).toBeCloseTo(
    1_820 / 1_500,
    10,
  );
});

test('the validator reports what is wrong, with the path', () => {
  const ci = buildCiReport(buildSuiteReport(eventPropagation, targetRegistry), fixtureEnvironment);
  const broken = JSON.parse(JSON.stringify(ci)) as Record<string, unknown> & {
    results: Array<Record<string, unknown>>;
  };
  delete broken.commit;
  (broken.results[0] as Record<string, unknown>).samples = 1.5;
  (broken.results[0] as Record<string, unknown>).status = 'ok';
  // a name every object inherits, which a lookup in `properties` would take for a declared one
  Object.defineProperty(broken.results[0], 'constructor', { value: 'extra', enumerable: true });
  expect(validateCiJson(broken)).toEqual([
    "/: must have required property 'commit'",
    '/results/0: must NOT have additional properties "constructor"',
    '/results/0/samples: must be integer',
    '/results/0/status: must be equal to one of the allowed values: ["passed","warning","insufficient_data","no_target","failed"]',
  ]);
});

test('a comparison reaches the CI JSON as its table, valid against the schema', () => {
  const ci = buildCiReport(buildSuiteReport(peersSuite, targetRegistry), fixtureEnvironment);
  expect(validateCiJson(ci)).toEqual([]);
  const [table] = ci.comparisons;
  expect(table?.reference).toBe('alpha');
  expect(table?.rows.map((r) => r.name)).toEqual(['alpha', 'beta', 'gamma']);
  expect(table?.rows.every((r) => r.cells.length === table.columns.length)).toBe(true);
  // suites without one carry an empty list
  expect(buildCiReport(buildSuiteReport(pgmqSuite, targetRegistry), fixtureEnvironment).comparisons).toEqual(
    [],
  );
  // a cell without a ratio must say why; a distribution must say how many samples it summarizes
  const broken = JSON.parse(JSON.stringify(ci)) as typeof ci;
  const beta = broken.comparisons[0]?.rows[1];
  if (!beta) throw new Error('the fixture has a row beta');
  delete beta.cells[0]?.reason;
  (beta.cells[0] as { ratio: number | null }).ratio = null;
  delete (beta.distributions.chain as { samples?: number }).samples;
  expect(validateCiJson(broken)).toEqual([
    "/comparisons/0/rows/1/cells/0: must have required property 'reason'",
    '/comparisons/0/rows/1/cells/0: must match "then" schema',
    "/comparisons/0/rows/1/distributions/chain: must have required property 'samples'",
  ]);
});
