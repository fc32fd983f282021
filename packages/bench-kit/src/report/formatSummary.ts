/** `latest/summary.md`: one page over every suite of the run — environment once, then each suite's verdicts. */
import { formatRoundTrips, inRoundTrips } from '../floor/floorUnits.ts';
import type { RunEnvironment } from './environment.ts';
import { formatValue, markdownTable } from './format.ts';
import { formatEnvironment, formatPrerequisitesSection } from './formatLog.ts';
import { type SuiteReport, statusText, thresholdText } from './suiteReport.ts';

export function formatSummary(reports: readonly SuiteReport[], env: RunEnvironment): string {
  const counts = (r: SuiteReport) => ({
    within: r.rows.filter((row) => row.status === 'within').length,
    over: r.rows.filter((row) => row.status === 'over').length,
    open: r.rows.filter((row) => row.status === 'withheld' || row.status === 'no-target').length,
  });
  const parts = [
    '# Benchmark summary',
    '## Prerequisites',
    formatPrerequisitesSection(env),
    '## Environment',
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
            ['Bench', 'Metric', 'Value', 'Target', 'In round trips', 'Status'],
            r.rows.map((row) => [
              row.name,
              row.metric,
              formatValue(row.value, row.unit),
              thresholdText(row),
              row.unit === 'ms' ? formatRoundTrips(inRoundTrips(row.value, env.floor)) : '—',
              statusText(row),
            ]),
          ),
      r.findings.map((f) => `- ${f}`).join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
