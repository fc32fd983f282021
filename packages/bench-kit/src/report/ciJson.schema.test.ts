import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { targetRegistry } from '../targets/registry.ts';
import { buildCiReport } from './ciJson.ts';
import { eventPropagation, fixtureEnvironment, pgmqSuite } from './reportFixture.ts';
import { buildSuiteReport } from './suiteReport.ts';
import { compileJsonSchema } from './validateJsonSchema.ts';
import { writeReports } from './writeReports.ts';

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

test('summary counts: passed, failed, warnings', () => {
  const ci = buildCiReport(buildSuiteReport(pgmqSuite, targetRegistry), fixtureEnvironment);
  // send (single) within, send (batch 100) over, bytes and growth without a target, one failed test
  expect(ci.summary).toEqual({ total_tests: 5, passed: 1, failed: 1, warnings: 1, no_target: 2 });
  expect(ci.results.find((r) => r.name === 'send (batch 100)')?.performance_ratio).toBeCloseTo(
    60_000 / 52_000,
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
