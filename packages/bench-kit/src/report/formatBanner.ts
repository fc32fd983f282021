/**
 * The console banner printed per suite at the end of a bench run, in the seed format's shape: a
 * `BENCHMARK RESULTS: <SUITE>` heading, Performance Summary (value, target, the value in round trips
 * of the machine's floor, status as "N.Nx better/worse than target"), a pointer to each comparison's
 * table in the log, and Key Findings. Plain text (no
 * colour codes), so it reads the same in CI logs.
 */
import { formatRoundTrips, inRoundTrips } from '../floor/floorUnits.ts';
import type { MachineFloor } from '../floor/measureFloor.ts';
import { bannerHeading, formatMs, formatValue, textTable } from './format.ts';
import { type SuiteReport, statusText, thresholdText } from './suiteReport.ts';

export interface BannerOptions {
  log?: string;
  json?: string;
  /** adds the "round trips" column: each latency in round trips of the machine's floor */
  floor?: MachineFloor;
}

export function formatBanner(report: SuiteReport, { log, json, floor }: BannerOptions = {}): string {
  const { result, rows, findings } = report;
  const counts = [
    `${result.benches.length} bench${result.benches.length === 1 ? '' : 'es'}`,
    `${result.records.length} recorded measurement${result.records.length === 1 ? '' : 's'}`,
  ].join(', ');
  const lines = [bannerHeading(`BENCHMARK RESULTS: ${result.suite}`), `${result.file} · ${counts}`, ''];
  lines.push('Performance Summary');
  lines.push(
    rows.length === 0
      ? '  (nothing measured)'
      : textTable(
          ['bench', 'metric', 'value', 'target', ...(floor ? ['round trips'] : []), 'status'],
          rows.map((row) => [
            row.name,
            row.metric,
            formatValue(row.value, row.unit),
            thresholdText(row),
            ...(floor ? [row.unit === 'ms' ? formatRoundTrips(inRoundTrips(row.value, floor)) : '—'] : []),
            statusText(row),
          ]),
        ),
  );
  if (floor && rows.some((row) => row.unit === 'ms'))
    lines.push(`  RT: latency ÷ this run's select 1 round trip (p50 ${formatMs(floor.roundTripMs)} ms)`);
  const context = result.context ?? [];
  if (context.length > 0)
    lines.push('', `Context: ${context.map((c) => `${c.name} = ${c.value}`).join(' · ')}`);
  // a comparison's table is as wide as its figures are many: the log has it, the banner says so
  for (const table of report.comparisons)
    lines.push(
      '',
      `Comparison: ${table.title} — ${table.rows.length} rows × ${table.columns.length} figures, each with its ratio to ${table.reference}: in the log (## Comparison: ${table.title})`,
    );
  lines.push('', 'Key Findings');
  for (const finding of findings) lines.push(`  • ${finding}`);
  const written = [log, json].filter(Boolean);
  if (written.length > 0) lines.push('', `Reports: ${written.join(' · ')}`);
  return lines.join('\n');
}
