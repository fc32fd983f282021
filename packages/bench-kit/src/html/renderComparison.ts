/**
 * A comparison on its suite's page: the table (one row per system, one column per figure, each cell
 * the figure and its ratio to the reference, or why it has none), what each measure is and how each
 * system ran, then one chart per measure with every system on the same axis (comparisonSvg.ts):
 * latency as distributions side by side, values as bars.
 */
import type { ComparisonCell, ComparisonTable } from '../report/comparisonTable.ts';
import { columnHeading, formatFigure, formatRatio } from '../report/formatComparison.ts';
import { barsSvg, distributionsSvg } from './comparisonSvg.ts';
import { escapeHtml as e } from './svg.ts';

/** The recorded latency figures a comparison draws, so the page does not draw them again alone. */
export function chartedRecords(tables: readonly ComparisonTable[]): Set<string> {
  const names = new Set<string>();
  for (const table of tables)
    table.columns.forEach((column, i) => {
      if (column.metric === 'value') return;
      for (const row of table.rows) {
        const record = row.cells[i]?.record;
        if (record) names.add(record);
      }
    });
  return names;
}

function cellHtml(cell: ComparisonCell, unit: string, reference: boolean): string {
  if (cell.value === null)
    return `<td class="no-figure" title="${e(cell.reason ?? '')}">— <span class="reason">${e(cell.reason ?? 'no figure')}</span></td>`;
  const ratio =
    cell.ratio === null
      ? `<span class="reason">no ratio: ${e(cell.reason ?? '')}</span>`
      : `<span class="ratio${reference ? ' reference' : ''}">${formatRatio(cell.ratio)}</span>`;
  return `<td>${formatFigure(cell.value, unit)} ${ratio}</td>`;
}

export function renderComparison(table: ComparisonTable, id: string): string {
  const head = table.columns.map((c) => `<th>${e(columnHeading(c))}</th>`).join('');
  const body = table.rows
    .map((row) => {
      const reference = row.name === table.reference;
      const cells = row.cells.map((c, i) => cellHtml(c, table.columns[i]?.unit ?? '', reference)).join('');
      return `<tr${reference ? ' class="reference"' : ''}><th scope="row">${e(row.name)}</th>${cells}</tr>`;
    })
    .join('');
  const measures = table.measures
    .filter((m) => m.note)
    .map((m) => `<li><b>${e(m.name)}</b>: ${e(m.note ?? '')}</li>`)
    .join('');
  const notes = table.rows
    .filter((r) => r.note)
    .map((r) => `<li><b>${e(r.name)}</b>: ${e(r.note ?? '')}</li>`)
    .join('');
  const charts = table.measures.map((measure) => {
    const title = `${table.title}: ${measure.name} (${measure.unit}), every system on one axis`;
    const caption = `${measure.name} (${measure.unit}, ${measure.better} is better)`;
    if (measure.kind === 'latency')
      return distributionsSvg(
        table.rows.map((row) => {
          const summary = row.distributions[measure.name];
          const first = row.cells[table.columns.findIndex((c) => c.measure === measure.name)];
          return summary
            ? { label: row.name, summary }
            : { label: row.name, reason: first?.reason ?? 'no samples' };
        }),
        { title, caption, unit: measure.unit },
      );
    const i = table.columns.findIndex((c) => c.measure === measure.name);
    return barsSvg(
      table.rows.map((row) => {
        const cell = row.cells[i];
        if (!cell || cell.value === null) return { label: row.name, reason: cell?.reason ?? 'no figure' };
        return { label: row.name, value: cell.value, ...(cell.ratio === null ? {} : { ratio: cell.ratio }) };
      }),
      { title, caption, unit: measure.unit },
    );
  });
  // one column per figure is wider than the page: the table scrolls in its own box (div.wide)
  return `<section class="comparison" id="${e(id)}"><h2>${e(table.title)}: every system side by side</h2>
<div class="wide"><table class="comparison"><thead><tr><th>System</th>${head}</tr></thead><tbody>${body}</tbody></table></div>
<p class="legend">Each cell: the figure and its ratio to <b>${e(table.reference)}</b> (figure ÷ ${e(table.reference)}'s). ↓ lower is better, ↑ higher is better.${table.note ? ` ${e(table.note)}` : ''}</p>
${measures ? `<ul class="measures">${measures}</ul>` : ''}${notes ? `<details><summary>How each system ran</summary><ul>${notes}</ul></details>` : ''}
<div class="charts comparison-charts">${charts.join('')}</div>
<p class="legend">Latency: box p25–p75, thick line the median, short ticks p95 and p99, whisker min to p99 (an arrow: the max lies beyond the axis). Bars: the figure, labelled with its ratio to ${e(table.reference)}.</p></section>`;
}
