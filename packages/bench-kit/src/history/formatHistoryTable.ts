/**
 * The markdown of a run against its history (compareWithHistory.ts): worst news first, each figure
 * with the runs it was compared with and the test that decided; figures new to the history at the end.
 */
import { directionLabel, TEST_DESCRIPTION, VERDICT_MARK, VERDICT_RANK } from '../baseline/figureVerdict.ts';
import { formatPercent, formatValue, markdownTable } from '../report/format.ts';
import type { HistoryRow } from './compareWithHistory.ts';

export function formatHistoryTable(rows: readonly HistoryRow[]): string {
  const compared = rows
    .filter((r) => r.verdict !== undefined)
    .sort(
      (a, b) =>
        VERDICT_RANK[a.verdict ?? 'unchanged'] - VERDICT_RANK[b.verdict ?? 'unchanged'] ||
        Math.abs(Math.log1p(b.change ?? 0)) - Math.abs(Math.log1p(a.change ?? 0)),
    );
  const added = rows.filter((r) => r.verdict === undefined).map((r) => r.key);
  const table = markdownTable(
    ['Figure', 'Kind', 'Earlier runs (mean)', 'This run', 'Change', 'Decided by', 'Verdict'],
    compared.map((r) => [
      r.key,
      `${r.kind}, ${directionLabel(r.better)}`,
      `${formatValue(r.reference, r.unit)} (${r.earlier.length} run${r.earlier.length === 1 ? '' : 's'})`,
      formatValue(r.current, r.unit),
      formatPercent(r.change ?? 0),
      r.interval
        ? `${r.test} (${formatValue(r.interval.low, r.unit)} … ${formatValue(r.interval.high, r.unit)}; ±${(r.threshold * 100).toFixed(0)}% threshold)`
        : `${r.test} (±${(r.threshold * 100).toFixed(0)}% threshold)`,
      r.verdict ? VERDICT_MARK[r.verdict] : '',
    ]),
  );
  const tests = [...new Set(compared.flatMap((r) => (r.test ? [r.test] : [])))];
  const lines = [
    'Against the history (each figure against its earlier runs on this machine and profile; latency: the median of each run; change = this run / mean of the earlier runs − 1):',
    '',
    compared.length > 0 ? table : '_No figure of this run has earlier runs in the history._',
  ];
  if (tests.length > 0) lines.push('', tests.map((t) => `- \`${t}\`: ${TEST_DESCRIPTION[t]}`).join('\n'));
  if (added.length > 0) lines.push('', `New to the history: ${added.join(', ')}`);
  return lines.join('\n');
}
