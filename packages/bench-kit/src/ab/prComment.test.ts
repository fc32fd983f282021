import { expect, test } from 'vitest';
import type { BaselineRow } from '../baseline/baselineReport.ts';
import { compareFigure } from '../baseline/compareToBaseline.ts';
import type { Figure } from '../baseline/runFigures.ts';
import { buildCiReport } from '../report/ciJson.ts';
import { eventPropagation, fixtureEnvironment, peersSuite, pgmqSuite } from '../report/reportFixture.ts';
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

test('baseline changes: regressed first, biggest change first, the test named, new figures after', () => {
  const latency = (c: number): Figure => ({
    kind: 'latency',
    unit: 'ms',
    better: 'lower',
    value: c,
    samplesMs: spread(c),
  });
  const throughput = (value: number): Figure => ({
    kind: 'throughput',
    unit: 'jobs/s',
    better: 'higher',
    value,
  });
  const row = (key: string, before: Figure, after: Figure): BaselineRow => ({
    key,
    current: after,
    comparison: compareFigure(before, after),
  });
  const rows: BaselineRow[] = [
    row('s/small', latency(1), latency(1.02)),
    row('s/big', latency(1), latency(2)),
    row('s/faster', latency(1), latency(0.7)),
    row('s/throughput down 60%', throughput(1_000), throughput(400)),
    { key: 's/new', current: latency(1), comparison: undefined },
  ];
  const text = formatBaselineChanges('main', rows);
  const order = ['s/throughput down 60%', 's/big', 's/faster', 's/small'].map((k) =>
    text.indexOf(`| ${k} |`),
  );
  expect(order.every((i) => i > 0)).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(text).toContain(
    '| s/throughput down 60% | throughput, higher is better | 1,000 jobs/s | 400 jobs/s | -60.0% | relative-change',
  );
  expect(text).toContain('🔴 regressed');
  expect(text).toContain('🟢 improved');
  expect(text).toContain('- `mann-whitney+bootstrap`: samples:');
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

test('the comparisons the suites recorded are in the comment, before the targets missed', () => {
  const withPeers = [
    ...reports,
    buildCiReport(buildSuiteReport(peersSuite, targetRegistry), fixtureEnvironment),
  ];
  const body = buildPrComment({
    title: 'Benchmarks',
    context: 'ctx',
    comparison: undefined,
    missed: missedTargets(withPeers),
    reports: withPeers,
  });
  const at = body.indexOf('### peers: peers');
  expect(at).toBeGreaterThan(body.indexOf('### Comparison'));
  expect(at).toBeLessThan(body.indexOf('### Targets missed'));
  expect(body).toContain('| System | chain p50 (ms) ↓ |');
  expect(body).toMatch(/\| gamma \| .* \| 300 · 0\.25x \|/);
  // how each system ran, folded away
  expect(body).toContain('<details><summary>How each ran</summary>\n\n- **alpha**: alpha as configured');
  // a comment built from CI JSON written before comparisons existed still renders
  const older = reports.map(({ comparisons: _, ...rest }) => rest as (typeof reports)[number]);
  expect(() =>
    buildPrComment({ title: 'B', context: '', comparison: undefined, missed: [], reports: older }),
  ).not.toThrow();
});
