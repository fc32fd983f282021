/**
 * The body of the PR comment that `bench:ci` and `bench:ab` write to tmp/benchmarks/pr-comment.md
 * and the workflow posts (created once, then updated: the marker on the first line finds it again).
 * Sections, most important first: the comparison (A/B table, or the baseline table with the biggest
 * changes first), the tables of the comparisons the suites recorded (systems side by side, e.g. the
 * peers), the targets missed, then one line per suite.
 */
import { BASELINE_HEADERS, type BaselineRow, baselineCells, testLegend } from '../baseline/baselineReport.ts';
import { VERDICT_RANK } from '../baseline/figureVerdict.ts';
import type { CiReport } from '../report/ciJson.ts';
import { formatValue, markdownTable } from '../report/format.ts';
import { formatComparison } from '../report/formatComparison.ts';
import { ratioVerdict, targetBound } from '../targets/target.ts';

export const PR_COMMENT_MARKER = '<!-- tasker-bench-comment -->';

export interface MissedTarget {
  suite: string;
  name: string;
  metric: string;
  value: number | null;
  threshold: number;
  unit: string;
  /** the CI JSON's performance_ratio: below 1 for a missed target, the lower the worse */
  ratio: number | null;
  failed: boolean;
}

/** Results over target, and failed tests, worst first (failures, then the lowest ratio). */
export function missedTargets(reports: readonly CiReport[]): MissedTarget[] {
  const missed: MissedTarget[] = [];
  for (const report of reports) {
    for (const r of report.results) {
      if (r.status !== 'warning' && r.status !== 'failed') continue;
      missed.push({
        suite: report.benchmark_suite,
        name: r.name,
        metric: r.target?.metric ?? r.metric ?? 'test',
        value: r.value,
        threshold: r.target?.threshold ?? Number.NaN,
        unit: r.target?.unit ?? 'ms',
        ratio: r.performance_ratio,
        failed: r.status === 'failed',
      });
    }
  }
  const worst = (m: MissedTarget) => m.ratio ?? Number.POSITIVE_INFINITY;
  return missed.sort((a, b) => Number(b.failed) - Number(a.failed) || worst(a) - worst(b));
}

export function formatMissedTargets(missed: readonly MissedTarget[]): string {
  if (missed.length === 0) return '✅ Every bench with a target met it.';
  return markdownTable(
    ['Benchmark', 'Metric', 'Value', 'Target', 'Against target'],
    missed.map((m) =>
      m.failed
        ? [`${m.suite}/${m.name}`, '—', '❌ failed', '—', '—']
        : [
            `${m.suite}/${m.name}`,
            m.metric,
            formatValue(m.value ?? undefined, m.unit),
            `${targetBound(m.metric)} ${formatValue(m.threshold, m.unit)}`,
            m.ratio === null ? '—' : ratioVerdict(m.ratio),
          ],
    ),
  );
}

/** The baseline comparison, worst news first (regressed, improved, changed, inconclusive, unchanged;
 *  biggest change first within each), every figure with the test that decided it; figures new
 *  since the baseline at the end. */
export function formatBaselineChanges(baselineName: string, rows: readonly BaselineRow[]): string {
  const order = (r: BaselineRow) => VERDICT_RANK[r.comparison?.verdict ?? 'unchanged'];
  const size = (r: BaselineRow) => Math.abs(Math.log1p(r.comparison?.change ?? 0));
  const compared = rows
    .filter((r) => r.comparison !== undefined)
    .sort((a, b) => order(a) - order(b) || size(b) - size(a));
  const added = rows.filter((r) => r.comparison === undefined).map((r) => r.key);
  const legend = testLegend(compared);
  const lines = [
    `Against baseline \`${baselineName}\` (latency: medians; change = current/baseline − 1; regressed = beyond the figure's threshold in its worse direction and, where there are samples, significant):`,
    '',
    compared.length > 0
      ? markdownTable(BASELINE_HEADERS, compared.map(baselineCells))
      : '_No figure in common with the baseline._',
  ];
  if (legend) lines.push('', legend);
  if (added.length > 0) lines.push('', `New since the baseline: ${added.join(', ')}`);
  return lines.join('\n');
}

/** Every comparison table of the reports, suite by suite: a heading and the table each. */
export function formatRecordedComparisons(reports: readonly CiReport[]): string[] {
  return [...reports]
    .sort((a, b) => a.benchmark_suite.localeCompare(b.benchmark_suite))
    .flatMap((report) =>
      // CI JSON from before comparisons were recorded has none
      (report.comparisons ?? []).flatMap((table) => [
        `### ${report.benchmark_suite}: ${table.title}`,
        '',
        formatComparison(table, { collapseRowNotes: true }),
        '',
      ]),
    );
}

export interface PrCommentInput {
  title: string;
  /** one line: commit, profile, machine, duration */
  context: string;
  comparison: string | undefined;
  missed: readonly MissedTarget[];
  reports: readonly CiReport[];
}

export function buildPrComment({ title, context, comparison, missed, reports }: PrCommentInput): string {
  const suites = markdownTable(
    ['Suite', 'Passed', 'Over target', 'Failed', 'No target'],
    [...reports]
      .sort((a, b) => a.benchmark_suite.localeCompare(b.benchmark_suite))
      .map((r) => [
        r.benchmark_suite,
        String(r.summary.passed),
        String(r.summary.warnings),
        String(r.summary.failed),
        String(r.summary.no_target),
      ]),
  );
  return [
    PR_COMMENT_MARKER,
    `## ${title}`,
    '',
    context,
    '',
    '### Comparison',
    '',
    comparison ?? '_No baseline to compare with: the first run on main saves one._',
    '',
    ...formatRecordedComparisons(reports),
    `### Targets missed (${missed.length})`,
    '',
    formatMissedTargets(missed),
    '',
    '<details><summary>Suites</summary>',
    '',
    suites,
    '',
    '</details>',
    '',
  ].join('\n');
}
