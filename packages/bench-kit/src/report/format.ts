/** Number and table formatting shared by the console banner and the markdown files. */

/** Milliseconds with precision that suits their size: 2.767, 0.4512, 0.0003. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(3);
  return ms.toFixed(4);
}

/** A figure with its unit: "2.767 ms", "1,523 msgs/s", "1.32x". */
export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'ms') return `${formatMs(value)} ms`;
  if (unit === 'x') return `${value.toFixed(2)}x`;
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  const shown = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit.startsWith('/') ? `${shown}${unit}` : `${shown} ${unit}`;
}

export function formatPercent(fraction: number): string {
  const sign = fraction > 0 ? '+' : '';
  return `${sign}${(fraction * 100).toFixed(1)}%`;
}

const RULE = '═'.repeat(64);

/** A console banner's heading, the seed format's shape: a rule, the title in capitals, a rule. */
export function bannerHeading(title: string): string {
  return [RULE, title.toUpperCase(), RULE].join('\n');
}

/** Plain-text table with aligned columns (console). */
export function textTable(headers: string[], rows: string[][], indent = '  '): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    `${indent}${cells.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c))).join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** GitHub-flavoured markdown table; pipes in cells are escaped. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const cell = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Display width: emoji status marks take two columns in a terminal. */
function width(text: string): number {
  let n = 0;
  for (const ch of text) n += /\p{Extended_Pictographic}/u.test(ch) ? 2 : ch === '\uFE0F' ? 0 : 1;
  return n;
}
