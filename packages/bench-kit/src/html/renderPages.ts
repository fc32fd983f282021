/**
 * Status marks are plain symbols (✓ ⚠ ✗), not emoji: a machine without an emoji font (a CI
 * container) would draw boxes.
 *
 * The report's pages: `index.html` (every suite with its status) and one page per suite (per bench:
 * status, percentiles, target, baseline comparison, latency histogram, trend over the history). A
 * suite that recorded comparisons (the peers) opens with them: the table and one chart per measure
 * with every system on the same axis (renderComparison.ts); its latency records drawn there get no
 * histogram of their own, each on its own scale.
 * Self-contained HTML: inline CSS, inline SVG, no script, nothing fetched.
 */
import { compareToBaseline } from '../baseline/compareToBaseline.ts';
import type { CiReport, CiResult } from '../report/ciJson.ts';
import { summarizeSamples } from '../stats/summarizeSamples.ts';
import { DEFAULT_NOISE, ratioVerdict, type TargetRegistry, targetBound } from '../targets/target.ts';
import { chartedRecords, renderComparison } from './renderComparison.ts';
import type { ReportData } from './reportData.ts';
import { escapeHtml as e, histogramSvg, type Marker, shortMs, trendSvg } from './svg.ts';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1180px;padding:0 16px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-top:1px solid #dde2ea;padding-top:14px}
.meta{color:#5b6474;font-size:12px}a{color:#1f5fbf}
table{border-collapse:collapse;margin:6px 0 10px}td,th{border:1px solid #dde2ea;padding:3px 8px;text-align:right}
th{background:#f3f5f8}td:first-child,th:first-child{text-align:left}
.status{font-weight:600}.passed{color:#1a7f37}.warning{color:#b35900}.failed{color:#c62828}.neutral{color:#5b6474}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #e6e9ef;border-radius:4px;background:#fcfdfe}
.bar{fill:#6d8fcf}.bar.overflow{fill:#c5cfe3}.axis{stroke:#8a93a3}.tick,.unit{font-size:10px;fill:#5b6474}
.marker{stroke-width:1.5;stroke-dasharray:5 3}.marker.target{stroke:#c62828}.marker.baseline{stroke:#7b3fbf}
.marker.p50{stroke:#1a7f37}.marker.p95{stroke:#b35900}.marker-label{font-size:10px}
.marker-label.target{fill:#c62828}.marker-label.baseline{fill:#7b3fbf}.marker-label.p50{fill:#1a7f37}.marker-label.p95{fill:#b35900}
.trend{fill:none;stroke-width:2}.trend.median,.point.median{stroke:#1f5fbf;fill:#1f5fbf}.trend.p95,.point.p95{stroke:#b35900;fill:#b35900}
.trend.median{fill:none}.trend.p95{fill:none;stroke-dasharray:4 2}.legend{font-size:12px;color:#5b6474}
.wide{overflow-x:auto}table.comparison td{white-space:nowrap}table.comparison th[scope=row]{text-align:left;background:none;font-weight:600}
tr.reference{background:#f6f9ff}.ratio{color:#5b6474;font-size:12px}.reason{color:#b35900;font-size:11px;white-space:normal}
td.no-figure{max-width:220px;white-space:normal;text-align:left}.comparison-charts{flex-direction:column}
.lane-label{font-size:11px;fill:#1d2330}.grid{stroke:#eef1f5}.box{fill:#c9d7f2;stroke:#1f5fbf}.median{stroke:#1f5fbf;stroke-width:2.5}
.whisker{stroke:#6d8fcf}.pct{stroke:#b35900}.beyond{fill:#b35900}.bar-label{font-size:10px;fill:#1d2330}.bar-label.inside{fill:#fff}
.no-figure{font-size:10px;fill:#b35900}.chart-caption{font-size:12px;font-weight:600;fill:#1d2330}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title><link rel="icon" href="data:,"><style>${CSS}</style></head><body>${body}</body></html>\n`;
}

export function suiteStatus(report: CiReport): { label: string; cls: string } {
  if (report.summary.failed > 0) return { label: '✗ failed', cls: 'failed' };
  if (report.results.some((r) => r.status === 'warning')) return { label: '⚠ over target', cls: 'warning' };
  if (report.results.some((r) => r.status === 'passed')) return { label: '✓ within target', cls: 'passed' };
  return { label: '– no targets', cls: 'neutral' };
}

export function suiteFileName(suite: string): string {
  return `${suite.replace(/[^\w.-]+/g, '_')}.html`;
}

export function renderIndex(data: ReportData): string {
  const rows = [...data.suites]
    .sort((a, b) => a.benchmark_suite.localeCompare(b.benchmark_suite))
    .map((r) => {
      const s = suiteStatus(r);
      return `<tr><td><a href="${suiteFileName(r.benchmark_suite)}">${e(r.benchmark_suite)}</a></td><td class="status ${s.cls}">${s.label}</td><td>${r.summary.passed}</td><td>${r.summary.warnings}</td><td>${r.summary.failed}</td><td>${r.summary.no_target}</td><td>${e(r.timestamp.slice(0, 16).replace('T', ' '))}</td><td>${e(r.commit.slice(0, 10))}</td><td>${e(r.environment.profile)}</td></tr>`;
    })
    .join('');
  const env = data.suites[0]?.environment;
  return page(
    'tasker benchmarks',
    `<h1>tasker benchmarks</h1><p class="meta">Generated ${e(data.generatedAt.slice(0, 19).replace('T', ' '))} UTC${
      env
        ? ` · ${e(env.cpu_count.toString())} × ${e(env.cpu_model)} · Node ${e(env.node)} · PostgreSQL ${e(env.postgres_version)} (${e(env.db_provider)})`
        : ''
    }${data.baseline ? ` · baseline <b>${e(data.baseline.name)}</b> (${e(data.baseline.savedAt.slice(0, 10))})` : ' · no baseline'} · ${data.history.length} history lines</p>
<table class="suites"><thead><tr><th>Suite</th><th>Status</th><th>Passed</th><th>Over target / no data</th><th>Failed</th><th>No target</th><th>Run (UTC)</th><th>Commit</th><th>Profile</th></tr></thead><tbody>${rows}</tbody></table>
${data.suites.length === 0 ? '<p>No results yet: run <code>pnpm bench</code>, then <code>pnpm bench:report</code>.</p>' : ''}`,
  );
}

function statusCell(results: readonly CiResult[]): string {
  const worst =
    results.find((r) => r.status === 'failed') ??
    results.find((r) => r.status === 'warning') ??
    results.find((r) => r.status === 'insufficient_data') ??
    results.find((r) => r.status === 'passed') ??
    results[0];
  const label: Record<string, [string, string]> = {
    passed: ['✓ within target', 'passed'],
    warning: ['⚠ over target', 'warning'],
    insufficient_data: ['? not enough data', 'neutral'],
    no_target: ['– no target', 'neutral'],
    failed: ['✗ failed', 'failed'],
  };
  const [text, cls] = label[worst?.status ?? 'no_target'] ?? ['—', 'neutral'];
  return `<span class="status ${cls}">${text}</span>`;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : shortMs(v));
const withUnit = (v: number | null | undefined, unit: string | null) =>
  v === null || v === undefined
    ? '—'
    : `${unit === 'ms' ? shortMs(v) : Number(v.toPrecision(4))} ${e(unit ?? '')}`.trim();

export function renderSuitePage(report: CiReport, data: ReportData, registry: TargetRegistry): string {
  const suite = report.benchmark_suite;
  const samples = data.samples[suite];
  const byName = new Map<string, CiResult[]>();
  for (const r of report.results) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  // CI JSON from before comparisons were recorded has none
  const comparisons = report.comparisons ?? [];
  const charted = chartedRecords(comparisons);
  const sections: string[] = comparisons.map((table, i) => renderComparison(table, `comparison-${i + 1}`));
  for (const [name, results] of byName) {
    const key = `${suite}/${name}`;
    const raw = samples?.benches[name];
    const first = results[0] as CiResult;
    const latencyTargets = results.filter((r) => r.target_ms !== null);
    const summary = raw?.length ? summarizeSamples(raw) : undefined;
    const stats = `<table><thead><tr><th>samples</th><th>mean</th><th>sd</th><th>min</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>outliers (mild/severe)</th></tr></thead><tbody><tr><td>${first.samples}</td><td>${num(first.mean_ms)}</td><td>${num(first.std_dev_ms)}</td><td>${num(summary?.min)}</td><td>${num(first.p50_ms)}</td><td>${num(first.p95_ms)}</td><td>${num(first.p99_ms)}</td><td>${num(summary?.max)}</td><td>${first.outliers ? `${first.outliers.mild}/${first.outliers.severe}` : '—'}</td></tr></tbody></table>`;
    const targetRows = results
      .filter((r) => r.target !== null)
      .map(
        (r) =>
          `<tr><td>${e(r.target?.metric ?? '')}</td><td>${withUnit(r.value, r.unit)}</td><td>${r.target ? targetBound(r.target.metric) : ''} ${withUnit(r.target?.threshold, r.target?.unit ?? null)}</td><td>${r.performance_ratio === null ? '—' : `${r.performance_ratio.toFixed(2)} (${ratioVerdict(r.performance_ratio)})`}</td><td>${statusCell([r])}</td><td>${e(r.target?.reference ?? '')}</td></tr>`,
      )
      .join('');
    const targets = targetRows
      ? `<table><thead><tr><th>target metric</th><th>value</th><th>threshold</th><th>performance ratio (above 1: better than target)</th><th>status</th><th>reference</th></tr></thead><tbody>${targetRows}</tbody></table>`
      : first.source === 'test'
        ? `<p class="failed">${e(first.reason ?? 'failed')}</p>`
        : `<p class="meta">No target in the registry${first.value !== null ? ` · ${e(first.metric ?? 'value')}: ${num(first.value)} ${e(first.unit ?? '')}` : ''}.</p>`;
    const stored = data.baseline?.figures[key]?.samplesMs;
    let baselineText = '';
    const markers: Marker[] = [];
    if (summary?.p50 !== undefined)
      markers.push({ value: summary.p50, label: `p50 ${shortMs(summary.p50)}`, kind: 'p50' });
    if (summary?.p95 !== undefined)
      markers.push({ value: summary.p95, label: `p95 ${shortMs(summary.p95)}`, kind: 'p95' });
    for (const t of latencyTargets)
      markers.push({
        value: t.target_ms as number,
        label: `target ${t.target?.metric} ${shortMs(t.target_ms as number)}`,
        kind: 'target',
      });
    if (stored?.length && raw?.length && data.baseline) {
      const c = compareToBaseline(stored, raw, { noise: registry[key]?.noise ?? DEFAULT_NOISE });
      markers.push({
        value: c.baselineMedian,
        label: `baseline ${shortMs(c.baselineMedian)}`,
        kind: 'baseline',
      });
      const cls = c.verdict === 'regressed' ? 'failed' : c.verdict === 'improved' ? 'passed' : 'neutral';
      baselineText = `<p>Against baseline <b>${e(data.baseline.name)}</b>: median ${shortMs(c.baselineMedian)} → ${shortMs(c.currentMedian)} ms (${c.change > 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%, 95% CI of ratio ${c.interval.low.toFixed(3)}–${c.interval.high.toFixed(3)}, p ${c.pValue < 0.001 ? '< 0.001' : `= ${c.pValue.toFixed(3)}`}) · <span class="status ${cls}">${c.verdict}</span></p>`;
    } else if (data.baseline && raw?.length) {
      baselineText = `<p class="meta">New since baseline ${e(data.baseline.name)}.</p>`;
    }
    const trendPoints = data.history
      .filter((h) => h.suite === suite && h.name === name)
      .map((h) => ({ timestamp: h.timestamp, commit: h.commit, median: h.median, p95: h.p95 }));
    const p50Target = latencyTargets.find((t) => t.target?.metric === 'p50' || t.target?.metric === 'mean');
    const charts = [
      raw?.length && !charted.has(name)
        ? histogramSvg(raw, { title: `${key}: latency distribution (${raw.length} samples)`, markers })
        : '',
      trendSvg(trendPoints, {
        title: `${key}: median and p95 per run`,
        ...(p50Target?.target_ms != null ? { target: p50Target.target_ms } : {}),
      }),
    ].filter(Boolean);
    sections.push(
      `<section class="bench" id="${e(name)}"><h2>${e(name)} ${statusCell(results)}</h2>${first.source === 'test' || first.samples === 0 ? '' : stats}${targets}${baselineText}${
        charts.length
          ? `<div class="charts">${charts.join('')}</div><p class="legend">${charted.has(name) ? 'Its distribution is drawn with the other systems’ on one axis, above. ' : 'Histogram: latency of each sample (ms); dashed lines: p50 (green), p95 (orange), target (red), baseline median (purple). '}Trend: median (solid) and p95 (dashed) per run from the history.</p>`
          : charted.has(name)
            ? `<p class="meta">Its distribution is drawn with the other systems’ on one axis, <a href="#comparison-1">above</a>.</p>`
            : '<p class="meta">No raw samples for this entry: throughput, breakdown and value records have none, and runs from before the reporter kept them (<code>latest/&lt;suite&gt;.samples.json</code>) neither. The log has the figures.</p>'
      }</section>`,
    );
  }
  const env = report.environment;
  return page(
    `${suite} — tasker benchmarks`,
    `<p><a href="index.html">← all suites</a></p><h1>${e(suite)} <span class="status ${suiteStatus(report).cls}">${suiteStatus(report).label}</span></h1>
<p class="meta">${e(report.file)} · run ${e(report.timestamp.slice(0, 19).replace('T', ' '))} UTC · commit ${e(report.commit.slice(0, 12))} · profile ${e(env.profile)} · ${e(env.db_provider)} PostgreSQL ${e(env.postgres_version)} (PGMQ ${e(env.pgmq)}) · Node ${e(env.node)} · ${env.cpu_count} × ${e(env.cpu_model)}</p>
${
  // runs from before the floor was measured have no environment.floor
  env.floor
    ? `<p class="meta">Machine floor on this server (p50 of ${env.floor.tries} tries each): round trip (select 1) ${shortMs(env.floor.round_trip_p50_ms)} ms · NOTIFY → LISTEN ${shortMs(env.floor.notify_listen_p50_ms)} ms · commit (1-row insert) ${shortMs(env.floor.commit_p50_ms)} ms</p>`
    : ''
}
${sections.join('\n')}`,
  );
}
