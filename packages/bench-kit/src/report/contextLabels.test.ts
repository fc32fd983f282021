import { expect, test } from 'vitest';
import { recordContext } from '../record/recordContext.ts';
import { targetRegistry } from '../targets/registry.ts';
import { buildCiReport } from './ciJson.ts';
import { formatBanner } from './formatBanner.ts';
import { formatLog } from './formatLog.ts';
import { formatSummary } from './formatSummary.ts';
import { fixtureEnvironment, pgmqSuite } from './reportFixture.ts';
import { buildSuiteReport } from './suiteReport.ts';

const report = buildSuiteReport(pgmqSuite, targetRegistry);

test('a label is not a figure: no row, no CI result, no summary line', () => {
  expect(report.rows.map((r) => r.name)).not.toContain('queue kind');
  const ci = buildCiReport(report, fixtureEnvironment);
  expect(ci.results.map((r) => r.name)).not.toContain('queue kind');
  expect(formatSummary([report], fixtureEnvironment)).not.toContain('queue kind');
});

test('labels go to the context: the log, the banner and the CI JSON', () => {
  expect(formatLog(report, fixtureEnvironment)).toContain(
    '## Context\n\n- queue kind: **logged** — the bench queue is a logged table, as every tasker queue is',
  );
  expect(formatBanner(report)).toContain('Context: queue kind = logged');
  expect(buildCiReport(report, fixtureEnvironment).context).toEqual([
    {
      name: 'queue kind',
      value: 'logged',
      note: 'the bench queue is a logged table, as every tasker queue is',
    },
  ]);
});

test('recordContext names the field a bad label gets wrong', async ({ task }) => {
  await expect(recordContext(task, ' ', 'pg')).rejects.toThrow(
    'recordContext: name must be a non-empty string',
  );
  await expect(recordContext(task, 'runtime driver', '')).rejects.toThrow(
    'recordContext("runtime driver"): value must be a non-empty string, got ""',
  );
});
