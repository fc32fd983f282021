/**
 * Plain generated SVG for the HTML report: a latency histogram with target and baseline markers, and
 * a trend chart over the history. Strings in, strings out — no chart library, nothing fetched when
 * the page is opened. Every chart carries a `<title>` for screen readers and a class the browser
 * test looks for.
 */
import { percentile, sortAscending } from '../stats/percentile.ts';

const W = 560;
const H = 190;
const PAD = { left: 48, right: 16, top: 14, bottom: 34 };

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** 1.23 → "1.23", 0.000456 → "0.00046", 1234 → "1234" */
export function shortMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(2);
}

export interface Marker {
  value: number;
  label: string;
  kind: 'target' | 'baseline' | 'p50' | 'p95';
}

export interface HistogramOptions {
  title: string;
  markers?: readonly Marker[];
  bins?: number;
}

/**
 * Bins span min … max, except that a long tail (max beyond 3 × p99, with ≥ 100 samples) is cut at
 * p99 × 1.5 and counted in a last "overflow" bar, so one stray sample does not squash the shape.
 */
export function histogramSvg(
  samples: readonly number[],
  { title, markers = [], bins }: HistogramOptions,
): string {
  if (samples.length === 0) return '';
  const sorted = sortAscending(samples);
  const min = sorted[0] as number;
  let max = sorted[sorted.length - 1] as number;
  const p99 = percentile(sorted, 0.99);
  const clipped = sorted.length >= 100 && max > 3 * p99;
  if (clipped) max = p99 * 1.5;
  const span = max - min || Math.max(Math.abs(min) * 0.1, 1e-6);
  const count = bins ?? Math.min(40, Math.max(5, Math.ceil(Math.sqrt(sorted.length))));
  const counts = new Array<number>(count).fill(0);
  let overflow = 0;
  for (const x of sorted) {
    if (x > max) overflow++;
    else {
      const bin = Math.min(count - 1, Math.floor(((x - min) / span) * count));
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
  }
  const lo = min;
  const hi = min + span;
  // markers outside the range widen it, so a far target still shows where it is
  const inRange = markers.filter((m) => Number.isFinite(m.value));
  const axisLo = Math.min(lo, ...inRange.map((m) => m.value));
  const axisHi =
    Math.max(hi, ...inRange.map((m) => m.value)) * (inRange.some((m) => m.value >= hi) ? 1.03 : 1);
  const plotW = W - PAD.left - PAD.right - (overflow > 0 ? 28 : 0);
  const plotH = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + ((v - axisLo) / (axisHi - axisLo || 1)) * plotW;
  const top = Math.max(...counts, overflow, 1);
  const y = (c: number) => PAD.top + plotH - (c / top) * plotH;
  const parts: string[] = [];
  const binW = span / count;
  counts.forEach((c, i) => {
    const x0 = x(lo + i * binW);
    const x1 = x(lo + (i + 1) * binW);
    parts.push(
      `<rect class="bar" x="${x0.toFixed(1)}" y="${y(c).toFixed(1)}" width="${Math.max(0.5, x1 - x0 - 1).toFixed(1)}" height="${(PAD.top + plotH - y(c)).toFixed(1)}"><title>${shortMs(lo + i * binW)}–${shortMs(lo + (i + 1) * binW)} ms: ${c}</title></rect>`,
    );
  });
  if (overflow > 0) {
    const ox = PAD.left + plotW + 6;
    parts.push(
      `<rect class="bar overflow" x="${ox}" y="${y(overflow).toFixed(1)}" width="18" height="${(PAD.top + plotH - y(overflow)).toFixed(1)}"><title>${overflow} samples above ${shortMs(max)} ms</title></rect>`,
      `<text class="tick" x="${ox + 9}" y="${H - PAD.bottom + 14}" text-anchor="middle">&gt;</text>`,
    );
  }
  parts.push(...axes(axisLo, axisHi, x, top, y, 'ms', 'samples'));
  inRange.forEach((m, i) => {
    const mx = x(m.value).toFixed(1);
    parts.push(
      `<line class="marker ${m.kind}" x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + plotH}"><title>${escapeHtml(m.label)}</title></line>`,
      // labels right of their line, or left of it near the right edge, stacked so they do not overlap
      x(m.value) > W * 0.7
        ? `<text class="marker-label ${m.kind}" x="${mx}" y="${PAD.top + 10 + i * 11}" dx="-3" text-anchor="end">${escapeHtml(m.label)}</text>`
        : `<text class="marker-label ${m.kind}" x="${mx}" y="${PAD.top + 10 + i * 11}" dx="3">${escapeHtml(m.label)}</text>`,
    );
  });
  return svg('histogram', title, parts);
}

export interface TrendPoint {
  timestamp: string;
  commit: string;
  median: number | null;
  p95: number | null;
}

/** Median and p95 per run, runs equally spaced (oldest left), with the target as a horizontal line. */
export function trendSvg(
  points: readonly TrendPoint[],
  { title, target }: { title: string; target?: number },
): string {
  const usable = points.filter((p) => p.median !== null);
  if (usable.length === 0) return '';
  const values = usable.flatMap((p) => [p.median, p.p95]).filter((v): v is number => v !== null);
  if (target !== undefined) values.push(target);
  const hi = Math.max(...values) * 1.08 || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (usable.length === 1 ? plotW / 2 : (i / (usable.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / hi) * plotH;
  const parts: string[] = [...axes(0, hi, (v) => PAD.left + (v / hi) * plotW, hi, y, '', 'ms', true)];
  const line = (pick: (p: TrendPoint) => number | null, cls: string) => {
    const pts = usable
      .map((p, i) => [i, pick(p)] as const)
      .filter((pair): pair is readonly [number, number] => pair[1] !== null);
    if (pts.length === 0) return;
    parts.push(
      `<polyline class="trend ${cls}" points="${pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [i, v] of pts) {
      const p = usable[i] as TrendPoint;
      parts.push(
        `<circle class="point ${cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3"><title>${escapeHtml(`${p.timestamp.slice(0, 16).replace('T', ' ')} ${p.commit.slice(0, 8)}: ${cls} ${shortMs(v)} ms`)}</title></circle>`,
      );
    }
  };
  line((p) => p.p95, 'p95');
  line((p) => p.median, 'median');
  if (target !== undefined) {
    parts.push(
      `<line class="marker target" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}"><title>target ${shortMs(target)} ms</title></line>`,
    );
  }
  const first = usable[0] as TrendPoint;
  const last = usable[usable.length - 1] as TrendPoint;
  parts.push(
    `<text class="tick" x="${PAD.left}" y="${H - 6}">${escapeHtml(first.timestamp.slice(0, 10))}</text>`,
    `<text class="tick" x="${PAD.left + plotW}" y="${H - 6}" text-anchor="end">${escapeHtml(last.timestamp.slice(0, 10))} (${usable.length} runs)</text>`,
  );
  return svg('trend', title, parts);
}

function axes(
  lo: number,
  hi: number,
  x: (v: number) => number,
  top: number,
  y: (v: number) => number,
  xUnit: string,
  yUnit: string,
  yOnly = false,
): string[] {
  const plotBottom = H - PAD.bottom;
  const parts = [
    `<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${plotBottom}" y2="${plotBottom}"/>`,
    `<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${plotBottom}"/>`,
    `<text class="tick" x="${PAD.left - 4}" y="${PAD.top + 9}" text-anchor="end">${yOnly ? shortMs(top) : Math.round(top)}</text>`,
    `<text class="tick" x="${PAD.left - 4}" y="${plotBottom}" text-anchor="end">0</text>`,
    `<text class="unit" x="${PAD.left + 4}" y="${PAD.top - 3}">${yUnit}</text>`,
  ];
  void y;
  if (!yOnly) {
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      parts.push(
        `<text class="tick" x="${x(v).toFixed(1)}" y="${plotBottom + 14}" text-anchor="middle">${shortMs(v)}</text>`,
      );
    }
    parts.push(`<text class="unit" x="${W - PAD.right}" y="${H - 4}" text-anchor="end">${xUnit}</text>`);
  }
  return parts;
}

function svg(kind: string, title: string, parts: string[]): string {
  return `<svg class="chart ${kind}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}
