import { expect, test } from 'vitest';
import type { BaselineRow } from '../baseline/baselineReport.ts';
import { compareToBaseline } from '../baseline/compareToBaseline.ts';
import { buildCiReport } from '../report/ciJson.ts';
import { eventPropagation, fixtureEnvironment, pgmqSuite } from '../report/reportFixture.ts';
import { buildSuiteReport } from '../report/suiteReport.ts';
import { targetRegistry } from '../targets/registry.ts';
import {
  buildPrComment,
  formatBaselineChanges,
  formatMissedTargets,
  missedTargets,
  PR_COMMENT_MARKER,
} from './prComment.ts';

const reports = [eventPropagation, pgmqSuite].map((s) =>
  buildCiReport(buildSuiteReport(s, targetRegistry), fixtureEnvironment),
);
const spread = (c: number) => Array.from({ length: 40 }, (_, i) => c * (0.95 + i / 400));

test('targets missed: failures first, then by ratio to target, worst (lowest) first', () => {
  const missed = missedTargets(reports);
  expect(missed.length).toBeGreaterThan(1);
  const firstNonFailed = missed.findIndex((m) => !m.failed);
  expect(missed.slice(0, firstNonFailed).every((m) => m.failed)).toBe(true);
  const ratios = missed.filter((m) => !m.failed).map((m) => m.ratio ?? 0);
  expect(ratios.length).toBeGreaterThan(1);
  expect(ratios.every((r) => r < 1)).toBe(true);
  expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
});

test('a missed target reads as how many times worse than the target', () => {
  // pgmq send (batch 100): 52,000 msgs/s against a ≥ 60,000/s floor: 52/60 = 0.867, 1/0.867 = 1.15
  const text = formatMissedTargets(missedTargets(reports));
  expect(text).toContain(
    '| pgmq/send (batch 100) | throughput-min | 52,000 msgs/s | ≥ 60,000 msgs/s | 1.2x worse than target |',
  );
});

test('baseline changes: biggest change first, new benches after the table', () => {
  const rows: BaselineRow[] = [
    { key: 's/small', currentMedian: 1.02, comparison: compareToBaseline(spread(1), spread(1.02)) },
    { key: 's/big', currentMedian: 2, comparison: compareToBaseline(spread(1), spread(2)) },
    { key: 's/faster', currentMedian: 0.7, comparison: compareToBaseline(spread(1), spread(0.7)) },
    { key: 's/new', currentMedian: 1, comparison: undefined },
  ];
  const text = formatBaselineChanges('main', rows);
  const order = ['s/big', 's/faster', 's/small'].map((k) => text.indexOf(`| ${k} |`));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(text).toContain('🔴 Regressed');
  expect(text).toContain('🟢 Improved');
  expect(text).toContain('New since the baseline: s/new');
});

test('the comment opens with the marker the workflow finds it by', () => {
  const body = buildPrComment({
    title: 'Benchmarks',
    context: 'ctx',
    comparison: undefined,
    missed: missedTargets(reports),
    reports,
  });
  expect(body.startsWith(`${PR_COMMENT_MARKER}\n## Benchmarks`)).toBe(true);
  expect(body).toContain('No baseline to compare with');
  expect(body).toMatch(/### Targets missed \(\d+\)/);
  expect(body).toContain('| event_propagation |');
});
