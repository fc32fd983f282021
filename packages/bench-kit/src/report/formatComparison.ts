/**
 * A comparison table (comparisonTable.ts) in markdown, for the suite's log and the PR comment: one
 * row per system, one column per figure, each cell "figure · ratio", the direction of each column in
 * its heading (↓ lower is better, ↑ higher). A cell without a figure or a ratio carries a numbered
 * note with the reason under the table (the same reason, the same number), then what each measure
 * is and how each row ran.
 */
import type { ComparisonCell, ComparisonColumn, ComparisonTable } from './comparisonTable.ts';
import { formatMs, markdownTable } from './format.ts';

export interface FormatComparisonOptions {
  /** the rows' notes (how each ran) in a collapsed <details> block, for the PR comment */
  collapseRowNotes?: boolean;
}

export function columnHeading(column: ComparisonColumn): string {
  const what = column.metric === 'value' ? column.measure : `${column.measure} ${column.metric}`;
  return `${what} (${column.unit}) ${column.better === 'lower' ? '↓' : '↑'}`;
}

/** A figure without its unit (the heading has it), at the precision of formatMs / formatValue. */
export function formatFigure(value: number, unit: string): string {
  if (unit === 'ms') return formatMs(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`;
}

export function formatComparison(table: ComparisonTable, options: FormatComparisonOptions = {}): string {
  const reasons: string[] = [];
  const mark = (reason: string) => {
    let i = reasons.indexOf(reason);
    if (i < 0) i = reasons.push(reason) - 1;
    return `[${i + 1}]`;
  };
  const cell = (c: ComparisonCell, column: ComparisonColumn) => {
    if (c.value === null) return `— ${mark(c.reason ?? 'no figure')}`;
    const figure = formatFigure(c.value, column.unit);
    return c.ratio === null
      ? `${figure} · no ratio ${mark(c.reason ?? 'no ratio')}`
      : `${figure} · ${formatRatio(c.ratio)}`;
  };
  const rows = table.rows.map((row) => [
    row.name === table.reference ? `**${row.name}**` : row.name,
    ...row.cells.map((c, i) => cell(c, table.columns[i] as ComparisonColumn)),
  ]);
  const parts = [
    markdownTable(['System', ...table.columns.map(columnHeading)], rows),
    `Each cell: the figure · its ratio to **${table.reference}** (figure ÷ ${table.reference}'s). ↓ lower is better, ↑ higher is better.${table.note ? ` ${table.note}` : ''}`,
  ];
  if (reasons.length > 0) parts.push(reasons.map((r, i) => `${i + 1}. ${r}`).join('\n'));
  const measures = table.measures.filter((m) => m.note);
  if (measures.length > 0) parts.push(measures.map((m) => `- **${m.name}**: ${m.note}`).join('\n'));
  const notes = table.rows.filter((r) => r.note);
  if (notes.length > 0) {
    const list = notes.map((r) => `- **${r.name}**: ${r.note}`).join('\n');
    parts.push(
      options.collapseRowNotes ? `<details><summary>How each ran</summary>\n\n${list}\n\n</details>` : list,
    );
  }
  return parts.join('\n\n');
}
