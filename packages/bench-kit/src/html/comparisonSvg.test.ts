import { expect, test } from 'vitest';
import { barsSvg, distributionsSvg, SPREAD_FOR_LOG } from './comparisonSvg.ts';

const summary = (p50: number) => ({
  samples: 100,
  min: p50 * 0.8,
  p25: p50 * 0.9,
  p50,
  p75: p50 * 1.1,
  p95: p50 * 1.5,
  p99: p50 * 2,
  max: p50 * 3,
});
const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0;
const xOf = (svg: string, lane: string) =>
  Number(svg.match(new RegExp(`data-row="${lane}">.*?<line class="median" x1="([\\d.]+)"`))?.[1]);

test('distributions: one lane per row, one box per row with samples, all on one axis', () => {
  const svg = distributionsSvg(
    [
      { label: 'a', summary: summary(10) },
      { label: 'b', summary: summary(20) },
      { label: 'c', reason: 'c was not measured' },
    ],
    { title: 't', unit: 'ms' },
  );
  expect(count(svg, /<g class="lane"/g)).toBe(3);
  expect(count(svg, /<rect class="box"/g)).toBe(2);
  expect(count(svg, /<g class="x-axis"/g)).toBe(1);
  expect(svg).toContain('data-scale="linear"');
  expect(svg).toContain('no figure: c was not measured');
  // the same axis: twice the median lies twice as far from 0 (the axis origin, x = 190)
  expect((xOf(svg, 'b') - 190) / (xOf(svg, 'a') - 190)).toBeCloseTo(2, 5);
  // the axis ends just past the largest p99 (b's, 40): b's max (60) beyond it is an arrow at the
  // edge, a's (30) is not
  expect(count(svg, /<path class="beyond"/g)).toBe(1);
  expect(svg).toMatch(/data-row="b">.*<path class="beyond"/);
});

test(`distributions: a logarithmic axis when the rows span more than ${SPREAD_FOR_LOG}x`, () => {
  const svg = distributionsSvg(
    [
      { label: 'fast', summary: summary(1) },
      { label: 'slow', summary: summary(500) },
    ],
    { title: 't', unit: 'ms' },
  );
  expect(svg).toContain('data-scale="log"');
  expect(svg).toContain('ms (log scale)');
});

test('bars: one bar per row with a figure, labelled with its ratio, the others say why', () => {
  const svg = barsSvg(
    [
      { label: 'a', value: 1_200, ratio: 1 },
      { label: 'b', value: 600, ratio: 0.5 },
      { label: 'c', reason: 'PostgreSQL CPU: the server is not local' },
    ],
    { title: 't', unit: 'jobs/s' },
  );
  expect(count(svg, /<rect class="bar"/g)).toBe(2);
  expect(count(svg, /<g class="x-axis"/g)).toBe(1);
  expect(svg).toContain('>1,200 · 1.00x<');
  expect(svg).toContain('>600 · 0.50x<');
  expect(svg).toContain('no figure: PostgreSQL CPU: the server is not local');
  const width = (lane: string) =>
    Number(
      svg.match(
        new RegExp(`data-row="${lane}">.*?<rect class="bar" x="190" y="[\\d.]+" width="([\\d.]+)"`),
      )?.[1],
    );
  expect(width('a') / width('b')).toBeCloseTo(2, 5);
});
