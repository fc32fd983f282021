/**
 * The markdown of an A/B run: worst news first (regressed, improved, changed, inconclusive,
 * unchanged; biggest change first within each), every figure with the test that decided it, then
 * the figures present on one side only.
 */
import { directionLabel, TEST_DESCRIPTION, VERDICT_MARK, VERDICT_RANK } from '../baseline/figureVerdict.ts';
import { formatValue, markdownTable } from '../report/format.ts';
import type { AbResult, AbRow } from './abCompare.ts';

export function formatAbTable(
  result: AbResult,
  { base, head, rounds }: { base: string; head: string; rounds: number },
): string {
  const size = (r: AbRow) => Math.abs(Math.log(r.ratio));
  const rows = [...result.rows].sort(
    (a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || size(b) - size(a),
  );
  const table = markdownTable(
    ['Figure', 'Kind', 'Base', 'Head', 'Head/base', '95% CI', 'Per round', 'Decided by', 'Verdict'],
    rows.map((r) => [
      r.key,
      `${r.kind}, ${directionLabel(r.better)}`,
      formatValue(r.base, r.unit),
      formatValue(r.head, r.unit),
      r.ratio.toFixed(3),
      r.interval ? `${r.interval.low.toFixed(3)}–${r.interval.high.toFixed(3)}` : '— (1 round)',
      r.roundRatios.map((x) => x.toFixed(2)).join(' '),
      r.test,
      VERDICT_MARK[r.verdict],
    ]),
  );
  const tests = [...new Set(rows.map((r) => r.test))];
  const lines = [
    `A/B: head \`${head}\` against base \`${base}\`, ${rounds} interleaved round${rounds === 1 ? '' : 's'} (latency: medians of the pooled samples; other figures: means of the round values; Head/base and its 95% CI; the verdict follows each figure's better direction)`,
    '',
    rows.length > 0 ? table : '_No figure was recorded on both sides._',
  ];
  if (tests.length > 0) lines.push('', tests.map((t) => `- \`${t}\`: ${TEST_DESCRIPTION[t]}`).join('\n'));
  if (result.onlyHead.length > 0) lines.push('', `New in head: ${result.onlyHead.join(', ')}`);
  if (result.onlyBase.length > 0) lines.push('', `Only in base: ${result.onlyBase.join(', ')}`);
  if (result.incomparable.length > 0)
    lines.push(
      '',
      `Kind or unit differs between the sides (not compared): ${result.incomparable.join(', ')}`,
    );
  return lines.join('\n');
}
