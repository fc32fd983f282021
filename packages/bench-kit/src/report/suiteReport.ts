/**
 * A suite's results with their verdicts: the evaluated target rows and the Key Findings a reader
 * should see first (failures, anything over target, sequential scans, withheld percentiles, the
 * slowest bench), and the tables of its comparisons. Every console banner, log and JSON file is
 * formatted from this.
 */
import { ratioVerdict, type TargetRegistry, targetBound } from '../targets/target.ts';
import { buildComparisonTables, type ComparisonTable } from './comparisonTable.ts';
import { type EvaluatedRow, evaluateTargets } from './evaluateTargets.ts';
import { formatMs, formatValue } from './format.ts';
import type { SuiteResult } from './suiteResult.ts';

export interface SuiteReport {
  result: SuiteResult;
  rows: EvaluatedRow[];
  /** the comparisons the suite recorded, as tables */
  comparisons: ComparisonTable[];
  findings: string[];
}

export function buildSuiteReport(result: SuiteResult, registry: TargetRegistry): SuiteReport {
  const rows = evaluateTargets(result, registry);
  return { result, rows, comparisons: buildComparisonTables(result), findings: keyFindings(result, rows) };
}

export const STATUS_MARK: Record<EvaluatedRow['status'], string> = {
  within: '✅ within target',
  over: '⚠️ over target',
  withheld: '❔ not enough data',
  'no-target': '➖ no target',
};

/** A row's status as the seed format words it: "✅ 2.8x better than target", "⚠️ 1.3x worse than
 *  target"; the plain mark when there is no finite ratio (a measured 0 against a ceiling). */
export function statusText(row: EvaluatedRow): string {
  if ((row.status === 'within' || row.status === 'over') && row.ratio !== undefined)
    return `${row.status === 'within' ? '✅' : '⚠️'} ${ratioVerdict(row.ratio)}`;
  return STATUS_MARK[row.status];
}

function keyFindings(result: SuiteResult, rows: EvaluatedRow[]): string[] {
  const findings: string[] = [];
  for (const failure of result.failures) findings.push(`❌ failed: ${failure.test} — ${failure.message}`);
  for (const row of rows.filter((r) => r.status === 'over')) {
    findings.push(
      `⚠️ ${row.name}: ${row.metric} ${formatValue(row.value, row.unit)} vs target ${thresholdText(row)}${row.ratio === undefined ? '' : ` (${ratioVerdict(row.ratio)})`}`,
    );
  }
  for (const entry of result.records) {
    if (entry.measurement.kind !== 'plan') continue;
    for (const warning of entry.measurement.plan.warnings) findings.push(`⚠️ ${entry.name}: ${warning}`);
  }
  for (const row of rows.filter((r) => r.status === 'withheld')) {
    findings.push(`❔ ${row.name}: no verdict on ${row.metric} — ${row.reason}`);
  }
  const measured = result.benches.filter((b) => !b.fromStore);
  const slowest = measured.reduce<(typeof measured)[number] | undefined>(
    (worst, b) => (worst === undefined || b.summary.mean > worst.summary.mean ? b : worst),
    undefined,
  );
  if (slowest) {
    const s = slowest.summary;
    findings.push(
      `slowest bench: ${slowest.name}, mean ${formatMs(s.mean)} ms (p50 ${formatMs(s.p50)}, p95 ${formatMs(s.p95)}, p99 ${formatMs(s.p99)} ms; ${s.samplesCount} samples)`,
    );
  }
  const withheld = measured.filter((b) => b.summary.withheld.length > 0);
  for (const bench of withheld)
    findings.push(`percentiles withheld for ${bench.name}: ${bench.summary.withheld.join('; ')}`);
  const targeted = rows.filter((r) => r.status !== 'no-target');
  if (targeted.length > 0 && targeted.every((r) => r.status === 'within')) {
    findings.push(`✅ all ${targeted.length} target${targeted.length === 1 ? '' : 's'} met`);
  }
  if (targeted.length === 0 && rows.length > 0)
    findings.push('no bench of this suite is in the target registry');
  return findings;
}

export function thresholdText(row: EvaluatedRow): string {
  if (row.threshold === undefined) return '—';
  return `${targetBound(row.metric)} ${formatValue(row.threshold, row.unit)}`;
}
