/**
 * The markdown log of one suite (`tmp/benchmarks/<date>-<suite>.log`, linked from `latest/`):
 * Prerequisites (as the run's banner verified them, with the machine's floor), run context,
 * Performance Summary, each comparison's table (`## Comparison: <title>`), every bench's statistics, recorded measurements and query plans, the labels
 * benches recorded about their setting (`## Context`: text, never a figures row), and Key Findings. `formatEnvironment` is shared with `latest/summary.md`.
 */
import { formatFloor, formatRoundTrips, inRoundTrips } from '../floor/floorUnits.ts';
import { prerequisitesVerdict, provisionedPrerequisites } from '../provision/prerequisites.ts';
import type { Measurement } from '../record/measurement.ts';
import type { RunEnvironment } from './environment.ts';
import { pgmqLabel } from './environment.ts';
import { formatMs, formatValue, markdownTable } from './format.ts';
import { formatComparison } from './formatComparison.ts';
import { type SuiteReport, statusText, thresholdText } from './suiteReport.ts';
import type { RecordEntry } from './suiteResult.ts';

/** The `## Prerequisites` body: one line per prerequisite, then the verdict. */
export function formatPrerequisitesSection(env: RunEnvironment): string {
  const lines = provisionedPrerequisites({
    node: env.node,
    postgresVersion: env.db.postgresVersion,
    description: env.db.description,
    pgmq: env.db.pgmq,
    floor: env.floor,
  });
  return [
    ...lines.map((line) => `- ${line.ok ? '✅' : '❌'} ${line.name}: ${line.detail}`),
    '',
    prerequisitesVerdict(lines),
  ].join('\n');
}

export function formatEnvironment(env: RunEnvironment): string {
  const settings = Object.entries(env.pgSettings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return [
    `- Date: ${env.timestamp}`,
    `- Commit: ${env.commit}`,
    `- Database: ${env.db.provider} — ${env.db.description}`,
    `- PostgreSQL: ${env.db.postgresVersion}`,
    `- PGMQ: ${pgmqLabel(env.db.pgmq)}`,
    `- pg_settings: ${settings || '—'}`,
    `- Node: ${env.node} on ${env.os}`,
    `- CPU: ${env.cpu.model} × ${env.cpu.count}`,
    `- Profile: ${env.profile}`,
    `- Module loading: ${env.moduleRunner === 'native' ? 'native Node imports (Vite module runner disabled)' : "Vite's module runner"}`,
    `- Machine floor: ${env.floor ? formatFloor(env.floor) : 'not measured'}`,
  ].join('\n');
}

export function formatLog(report: SuiteReport, env: RunEnvironment): string {
  const { result, rows, findings } = report;
  const parts = [
    `# Benchmark results: ${result.suite}`,
    `\`${result.file}\` (project ${result.project})`,
    '## Prerequisites',
    formatPrerequisitesSection(env),
    '## Environment',
    formatEnvironment(env),
    '## Performance Summary',
    rows.length === 0
      ? 'Nothing was measured.'
      : markdownTable(
          ['Bench', 'Metric', 'Value', 'Target', 'In round trips', 'Status', 'Reference'],
          rows.map((row) => [
            row.name,
            row.metric,
            formatValue(row.value, row.unit),
            thresholdText(row),
            row.unit === 'ms' ? formatRoundTrips(inRoundTrips(row.value, env.floor)) : '—',
            statusText(row),
            row.reference ?? row.reason ?? '',
          ]),
        ),
  ];
  if (env.floor && rows.some((row) => row.unit === 'ms'))
    parts.push(
      `Round trips (RT): each latency ÷ this run's \`select 1\` p50 (${formatMs(env.floor.roundTripMs)} ms), a unit that moves less between machines than milliseconds do.`,
    );
  for (const table of report.comparisons)
    parts.push(`## Comparison: ${table.title}`, formatComparison(table));
  if (result.benches.length > 0) {
    const statusOf = (name: string) =>
      rows
        .filter((r) => r.name === name && r.source === 'bench')
        .map((r) => statusText(r))
        .join(', ') || '—';
    const targetOf = (name: string) =>
      rows
        .filter((r) => r.name === name && r.source === 'bench' && r.threshold !== undefined)
        .map((r) => `${r.metric} ${thresholdText(r)}`)
        .join(', ') || '—';
    parts.push(
      '## Benchmarks (latency, ms)',
      markdownTable(
        [
          'Bench',
          'mean',
          'sd',
          'min',
          'max',
          'p50',
          'p95',
          'p99',
          'rme',
          'samples',
          'outliers mild/severe',
          'target',
          'status',
        ],
        result.benches.map((b) => {
          const s = b.summary;
          return [
            b.fromStore ? `${b.name} (stored)` : b.name,
            formatMs(s.mean),
            formatMs(s.sd),
            formatMs(s.min),
            formatMs(s.max),
            formatMs(s.p50),
            formatMs(s.p95),
            formatMs(s.p99),
            `±${s.rme.toFixed(2)}%`,
            String(s.samplesCount),
            s.outliers ? `${s.outliers.mild}/${s.outliers.severe}` : '—',
            targetOf(b.name),
            statusOf(b.name),
          ];
        }),
      ),
    );
    const withheld = result.benches.filter((b) => b.summary.withheld.length > 0);
    if (withheld.length > 0) {
      parts.push(withheld.map((b) => `- ${b.name}: ${b.summary.withheld.join('; ')}`).join('\n'));
    }
  }
  if (result.records.length > 0) parts.push('## Recorded measurements', ...result.records.map(formatRecord));
  const context = result.context ?? [];
  if (context.length > 0)
    parts.push(
      '## Context',
      context.map((c) => `- ${c.name}: **${c.value}**${c.note ? ` — ${c.note}` : ''}`).join('\n'),
    );
  if (result.failures.length > 0) {
    parts.push('## Failures', result.failures.map((f) => `- ${f.test}: ${f.message}`).join('\n'));
  }
  parts.push('## Key Findings', findings.map((f) => `- ${f}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

function formatRecord(entry: RecordEntry): string {
  const heading = `### ${entry.name} (${entry.measurement.kind})`;
  const note = 'note' in entry.measurement && entry.measurement.note ? `\n\n${entry.measurement.note}` : '';
  return `${heading}\n\n${formatMeasurement(entry.measurement, entry)}${note}`;
}

function formatMeasurement(m: Measurement, entry: RecordEntry): string {
  switch (m.kind) {
    case 'latency': {
      const s = entry.summary;
      if (!s) return '—';
      const table = markdownTable(
        ['mean', 'sd', 'min', 'max', 'p50', 'p95', 'p99', 'samples', 'outliers mild/severe'],
        [
          [
            formatMs(s.mean),
            formatMs(s.sd),
            formatMs(s.min),
            formatMs(s.max),
            formatMs(s.p50),
            formatMs(s.p95),
            formatMs(s.p99),
            String(s.samplesCount),
            s.outliers ? `${s.outliers.mild}/${s.outliers.severe}` : '—',
          ],
        ],
      );
      return s.withheld.length > 0 ? `${table}\n\n${s.withheld.join('; ')}` : table;
    }
    case 'throughput': {
      const detail = [
        m.count === undefined ? undefined : `${m.count.toLocaleString('en-US')} ${m.unit}`,
        m.durationMs === undefined ? undefined : `in ${formatMs(m.durationMs)} ms`,
      ].filter(Boolean);
      return `${formatValue(m.perSecond, `${m.unit}/s`)}${detail.length > 0 ? ` (${detail.join(' ')})` : ''}`;
    }
    case 'breakdown': {
      const total = m.totalMs ?? Object.values(m.phasesMs).reduce((a, b) => a + b, 0);
      const rows = Object.entries(m.phasesMs).map(([phase, ms]) => [
        phase,
        formatMs(ms),
        total > 0 ? `${((100 * ms) / total).toFixed(1)}%` : '—',
      ]);
      return markdownTable(['Phase', 'ms', 'share'], [...rows, ['total', formatMs(total), '']]);
    }
    case 'bytes':
      return formatValue(m.bytes, 'bytes');
    case 'growth':
      return `${formatValue(m.ratio, 'x')} from ${m.from} to ${m.to}`;
    case 'value':
      return formatValue(m.value, m.unit);
    case 'plan': {
      const p = m.plan;
      const lines = [
        `- Execution ${formatMs(p.executionMs)} ms, planning ${formatMs(p.planningMs)} ms`,
        `- Top node types (self time): ${p.topNodeTypes.map((n) => `${n.nodeType} ${formatMs(n.selfMs)} ms${n.count > 1 ? ` ×${n.count}` : ''}`).join(', ') || '—'}`,
        `- Buffer hit ratio: ${p.bufferHitRatio === undefined ? '— (no buffers touched)' : `${(100 * p.bufferHitRatio).toFixed(1)}% (${p.sharedHitBlocks} hit, ${p.sharedReadBlocks} read)`}`,
        `- Seq scans: ${p.seqScans.map((s) => `${s.relation} (${s.rowsTouched.toLocaleString('en-US')} rows)`).join(', ') || 'none'}`,
        ...p.warnings.map((w) => `- ⚠️ ${w}`),
      ];
      return lines.join('\n');
    }
  }
}
