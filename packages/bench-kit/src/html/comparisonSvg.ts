/**
 * The charts of a comparison (report/comparisonTable.ts): one chart per measure, one lane per row
 * (system), every lane on the same horizontal axis, so systems are compared by eye, not number by
 * number.
 *
 *   distributionsSvg  latency: per lane a box (p25–p75), the median, ticks at p95 and p99, a
 *                     whisker from min to p99 (max where p99 is withheld); a tail beyond the axis
 *                     ends in an arrow with the max in its tooltip. The axis is linear from 0, or
 *                     logarithmic when the lanes span more than SPREAD_FOR_LOG between them.
 *   barsSvg           a value: per lane a bar from 0, labelled with the figure and its ratio.
 *
 * A lane without a figure says why in place of its mark. Classes for the browser test:
 * `svg.chart.comparison.<kind>`, one `g.x-axis` per chart, one `g.lane` per row, `rect.box` /
 * `rect.bar` per figure.
 */
import type { DistributionSummary } from '../report/comparisonTable.ts';
import { formatFigure, formatRatio } from '../report/formatComparison.ts';
import { escapeHtml as e } from './svg.ts';

const W = 760;
const LANE = 26;
const PAD = { left: 190, right: 24, top: 26, bottom: 34 };
/** highest ÷ lowest figure on one chart beyond which its axis is logarithmic */
export const SPREAD_FOR_LOG = 30;

export interface DistributionLane {
  label: string;
  summary?: DistributionSummary;
  /** why there is no distribution */
  reason?: string;
}

export interface BarLane {
  label: string;
  value?: number;
  ratio?: number;
  reason?: string;
}

export interface ChartOptions {
  /** for screen readers and tooltips */
  title: string;
  /** the line drawn above the chart (default: the title) */
  caption?: string;
  unit: string;
}

interface Axis {
  x: (v: number) => number;
  ticks: number[];
  scale: 'linear' | 'log';
}

function linearAxis(hi: number): Axis {
  const top = hi > 0 ? hi * 1.05 : 1;
  const step = niceStep(top / 5);
  const ticks: number[] = [];
  for (let t = 0; t <= top + 1e-9; t += step) ticks.push(t);
  const end = Math.max(top, ticks[ticks.length - 1] ?? top);
  const plot = W - PAD.left - PAD.right;
  return { x: (v) => PAD.left + (Math.max(0, v) / end) * plot, ticks, scale: 'linear' };
}

function logAxis(lo: number, hi: number): Axis {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const plot = W - PAD.left - PAD.right;
  const ticks: number[] = [];
  for (let d = a; d <= b; d++) for (const m of [1, 2, 5]) if (10 ** d * m <= 10 ** b) ticks.push(10 ** d * m);
  return {
    x: (v) => PAD.left + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a || 1)) * plot,
    ticks,
    scale: 'log',
  };
}

/** 1, 2 or 5 × a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

function height(lanes: number): number {
  return PAD.top + lanes * LANE + PAD.bottom;
}

function xAxis(axis: Axis, lanes: number, unit: string): string {
  const bottom = PAD.top + lanes * LANE;
  const ticks = axis.ticks
    .map((t) => {
      const x = axis.x(t).toFixed(1);
      return `<line class="grid" x1="${x}" x2="${x}" y1="${PAD.top}" y2="${bottom}"/><text class="tick" x="${x}" y="${bottom + 14}" text-anchor="middle">${t === 0 ? '0' : formatFigure(t, unit === 'ms' ? '' : unit)}</text>`;
    })
    .join('');
  return `<g class="x-axis" data-scale="${axis.scale}"><line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${bottom}" y2="${bottom}"/>${ticks}<text class="unit" x="${W - PAD.right}" y="${bottom + 28}" text-anchor="end">${e(unit)}${axis.scale === 'log' ? ' (log scale)' : ''}</text></g>`;
}

function laneLabel(label: string, i: number): string {
  return `<text class="lane-label" x="${PAD.left - 8}" y="${PAD.top + i * LANE + LANE / 2 + 4}" text-anchor="end">${e(label)}</text>`;
}

function missing(reason: string, i: number): string {
  const text = reason.length > 90 ? `${reason.slice(0, 87)}…` : reason;
  return `<text class="no-figure" x="${PAD.left + 6}" y="${PAD.top + i * LANE + LANE / 2 + 4}"><title>${e(reason)}</title>no figure: ${e(text)}</text>`;
}

function chart(kind: string, title: string, caption: string, lanes: number, parts: string[]): string {
  const h = height(lanes);
  return `<svg class="chart comparison ${kind}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>${e(title)}</title><text class="chart-caption" x="8" y="16">${e(caption)}</text>${parts.join('')}</svg>`;
}

export function distributionsSvg(
  lanes: readonly DistributionLane[],
  { title, caption = title, unit }: ChartOptions,
): string {
  const shown = lanes.flatMap((l) => (l.summary ? [l.summary] : []));
  const reach = (s: DistributionSummary) => s.p99 ?? s.max;
  const hi = Math.max(...shown.map(reach), 0);
  const lo = Math.min(...shown.map((s) => s.min));
  const axis = shown.length > 0 && lo > 0 && hi / lo > SPREAD_FOR_LOG ? logAxis(lo, hi) : linearAxis(hi);
  const right = W - PAD.right;
  const parts = [xAxis(axis, lanes.length, unit)];
  lanes.forEach((lane, i) => {
    const mid = PAD.top + i * LANE + LANE / 2;
    const inner: string[] = [laneLabel(lane.label, i)];
    const s = lane.summary;
    if (!s) inner.push(missing(lane.reason ?? 'no samples', i));
    else {
      const x = (v: number) => Math.min(axis.x(v), right);
      const f = (v: number | null) => (v === null ? '—' : formatFigure(v, unit));
      const tip = `${lane.label}: ${s.samples} samples; min ${f(s.min)}, p25 ${f(s.p25)}, p50 ${f(s.p50)}, p75 ${f(s.p75)}, p95 ${f(s.p95)}, p99 ${f(s.p99)}, max ${f(s.max)} ${unit}`;
      const box = Math.max(1, x(s.p75) - x(s.p25));
      inner.push(
        `<title>${e(tip)}</title>`,
        `<line class="whisker" x1="${x(s.min).toFixed(1)}" x2="${x(reach(s)).toFixed(1)}" y1="${mid}" y2="${mid}"/>`,
        `<rect class="box" x="${x(s.p25).toFixed(1)}" y="${mid - 7}" width="${box.toFixed(1)}" height="14"/>`,
        `<line class="median" x1="${x(s.p50).toFixed(1)}" x2="${x(s.p50).toFixed(1)}" y1="${mid - 8}" y2="${mid + 8}"/>`,
      );
      for (const [cls, v] of [
        ['p95', s.p95],
        ['p99', s.p99],
      ] as const)
        if (v !== null)
          inner.push(
            `<line class="pct ${cls}" x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${mid - 5}" y2="${mid + 5}"/>`,
          );
      if (axis.x(s.max) > right)
        inner.push(
          `<path class="beyond" d="M${right - 6},${mid - 4}L${right},${mid}L${right - 6},${mid + 4}Z"/>`,
        );
    }
    parts.push(`<g class="lane" data-row="${e(lane.label)}">${inner.join('')}</g>`);
  });
  return chart('distributions', title, caption, lanes.length, parts);
}

export function barsSvg(lanes: readonly BarLane[], { title, caption = title, unit }: ChartOptions): string {
  const hi = Math.max(...lanes.map((l) => l.value ?? 0), 0);
  const axis = linearAxis(hi);
  const parts = [xAxis(axis, lanes.length, unit)];
  lanes.forEach((lane, i) => {
    const top = PAD.top + i * LANE + 5;
    const inner: string[] = [laneLabel(lane.label, i)];
    if (lane.value === undefined) inner.push(missing(lane.reason ?? 'no figure', i));
    else {
      const x1 = axis.x(lane.value);
      const text = `${formatFigure(lane.value, unit)}${lane.ratio === undefined ? '' : ` · ${formatRatio(lane.ratio)}`}`;
      inner.push(
        `<rect class="bar" x="${PAD.left}" y="${top}" width="${Math.max(1, x1 - PAD.left).toFixed(1)}" height="${LANE - 10}"><title>${e(`${lane.label}: ${text} ${unit}`)}</title></rect>`,
        x1 > W * 0.8
          ? `<text class="bar-label inside" x="${(x1 - 4).toFixed(1)}" y="${top + 12}" text-anchor="end">${e(text)}</text>`
          : `<text class="bar-label" x="${(x1 + 4).toFixed(1)}" y="${top + 12}">${e(text)}</text>`,
      );
    }
    parts.push(`<g class="lane" data-row="${e(lane.label)}">${inner.join('')}</g>`);
  });
  return chart('bars', title, caption, lanes.length, parts);
}
