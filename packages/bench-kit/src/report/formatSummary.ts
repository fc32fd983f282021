/** `latest/summary.md`: one page over every suite of the run — environment once, then each suite's verdicts. */
import type { RunEnvironment } from './environment.ts';
import { formatRatio, formatValue, markdownTable } from './format.ts';
import { formatEnvironment } from './formatLog.ts';
import { STATUS_MARK, type SuiteReport, thresholdText } from './suiteReport.ts';

export function formatSummary(reports: readonly SuiteReport[], env: RunEnvironment): string {
  const counts = (r: SuiteReport) => ({
    within: r.rows.filter((row) => row.status === 'within').length,
    over: r.rows.filter((row) => row.status === 'over').length,
    open: r.rows.filter((row) => row.status === 'withheld' || row.status === 'no-target').length,
  });
  const parts = [
    '# Benchmark summary',
    formatEnvironment(env),
    '## Suites',
    markdownTable(
      ['Suite', 'File', 'Benches', 'Records', '✅ within', '⚠️ over', 'no verdict', 'Failures', 'Log'],
      reports.map((r) => {
        const c = counts(r);
        return [
          r.result.suite,
          r.result.file,
          String(r.result.benches.length),
          String(r.result.records.length),
          String(c.within),
          String(c.over),
          String(c.open),
          String(r.result.failures.length),
          `[${r.result.suite}.log](${r.result.suite}.log)`,
        ];
      }),
    ),
  ];
  for (const r of reports) {
    parts.push(
      `## ${r.result.suite}`,
      r.rows.length === 0
        ? 'Nothing was measured.'
        : markdownTable(
            ['Bench', 'Metric', 'Value', 'Target', 'Ratio', 'Status'],
            r.rows.map((row) => [
              row.name,
              row.metric,
              formatValue(row.value, row.unit),
              thresholdText(row),
              formatRatio(row.ratio),
              STATUS_MARK[row.status],
            ]),
          ),
      r.findings.map((f) => `- ${f}`).join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
