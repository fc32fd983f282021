/**
 * The markdown of an A/B run: biggest changes first (by distance of the ratio from 1), then the
 * benches present on one side only.
 */
import { formatMs, markdownTable } from '../report/format.ts';
import type { AbResult, AbVerdict } from './abCompare.ts';

const MARK: Record<AbVerdict, string> = { faster: '🟢 faster', slower: '🔴 slower', same: '⚪ same' };

export function formatAbTable(
  result: AbResult,
  { base, head, rounds }: { base: string; head: string; rounds: number },
): string {
  const rows = [...result.rows].sort(
    (a, b) => Math.abs(Math.log(b.interval.ratio)) - Math.abs(Math.log(a.interval.ratio)),
  );
  const table = markdownTable(
    ['Benchmark', 'Base median', 'Head median', 'Head/base', '95% CI', 'Per round', 'Verdict'],
    rows.map((r) => [
      r.key,
      `${formatMs(r.baseMedian)} ms`,
      `${formatMs(r.headMedian)} ms`,
      r.interval.ratio.toFixed(3),
      `${r.interval.low.toFixed(3)}–${r.interval.high.toFixed(3)}`,
      r.roundRatios.map((x) => x.toFixed(2)).join(' '),
      MARK[r.verdict],
    ]),
  );
  const lines = [
    `A/B: head \`${head}\` against base \`${base}\`, ${rounds} interleaved round${rounds === 1 ? '' : 's'} (medians of pooled samples; CI: bootstrap 95% interval of head/base; below 1 is faster)`,
    '',
    rows.length > 0 ? table : '_No bench ran on both sides._',
  ];
  if (result.onlyHead.length > 0) lines.push('', `New in head: ${result.onlyHead.join(', ')}`);
  if (result.onlyBase.length > 0) lines.push('', `Only in base: ${result.onlyBase.join(', ')}`);
  return lines.join('\n');
}
