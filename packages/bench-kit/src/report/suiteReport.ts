/**
 * A suite's results with their verdicts: the evaluated target rows and the Key Findings a reader
 * should see first (failures, anything over target, sequential scans, withheld percentiles, the
 * slowest bench). Every console banner, log and JSON file is formatted from this.
 */
import type { TargetRegistry } from '../targets/target.ts';
import { type EvaluatedRow, evaluateTargets } from './evaluateTargets.ts';
import { formatMs, formatRatio, formatValue } from './format.ts';
import type { SuiteResult } from './suiteResult.ts';

export interface SuiteReport {
  result: SuiteResult;
  rows: EvaluatedRow[];
  findings: string[];
}

export function buildSuiteReport(result: SuiteResult, registry: TargetRegistry): SuiteReport {
  const rows = evaluateTargets(result, registry);
  return { result, rows, findings: keyFindings(result, rows) };
}

export const STATUS_MARK: Record<EvaluatedRow['status'], string> = {
  within: '✅ within target',
  over: '⚠️ over target',
  withheld: '❔ not enough data',
  'no-target': '➖ no target',
};

function keyFindings(result: SuiteResult, rows: EvaluatedRow[]): string[] {
  const findings: string[] = [];
  for (const failure of result.failures) findings.push(`❌ failed: ${failure.test} — ${failure.message}`);
  for (const row of rows.filter((r) => r.status === 'over')) {
    findings.push(
      `⚠️ ${row.name}: ${row.metric} ${formatValue(row.value, row.unit)} vs target ${thresholdText(row)} (${formatRatio(row.ratio)})`,
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
  const bound = row.metric === 'throughput-min' ? '≥' : '≤';
  return `${bound} ${formatValue(row.threshold, row.unit)}`;
}
