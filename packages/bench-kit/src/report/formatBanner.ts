/**
 * The console banner printed per suite at the end of a bench run: Performance Summary (value, target,
 * ratio, status) and Key Findings. Plain text (no colour codes), so it reads the same in CI logs.
 */
import { formatRatio, formatValue, textTable } from './format.ts';
import { STATUS_MARK, type SuiteReport, thresholdText } from './suiteReport.ts';

export function formatBanner(report: SuiteReport, files: { log?: string; json?: string } = {}): string {
  const { result, rows, findings } = report;
  const counts = [
    `${result.benches.length} bench${result.benches.length === 1 ? '' : 'es'}`,
    `${result.records.length} recorded measurement${result.records.length === 1 ? '' : 's'}`,
  ].join(', ');
  const lines = [`═══ ${result.suite} — results (${result.file}; ${counts}) ═══`, 'Performance Summary'];
  lines.push(
    rows.length === 0
      ? '  (nothing measured)'
      : textTable(
          ['bench', 'metric', 'value', 'target', 'ratio', 'status'],
          rows.map((row) => [
            row.name,
            row.metric,
            formatValue(row.value, row.unit),
            thresholdText(row),
            formatRatio(row.ratio),
            STATUS_MARK[row.status],
          ]),
        ),
  );
  lines.push('Key Findings');
  for (const finding of findings) lines.push(`  • ${finding}`);
  const written = [files.log, files.json].filter(Boolean);
  if (written.length > 0) lines.push(`Reports: ${written.join(' · ')}`);
  return lines.join('\n');
}
