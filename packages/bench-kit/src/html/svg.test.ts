import { expect, test } from 'vitest';
import { escapeHtml, histogramSvg, trendSvg } from './svg.ts';

const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="bar"[^>]*><title>[^<]*: (\d+)<\/title>/g)].map((m) => Number(m[1]));

test('histogram: every sample lands in one bar', () => {
  const samples = [1, 1.1, 1.15, 1.3, 1.35, 1.9, 2];
  const svg = histogramSvg(samples, { title: 't', bins: 5 });
  expect(bars(svg)).toEqual([3, 2, 0, 0, 2]);
  expect(svg).toMatch(/^<svg class="chart histogram"/);
});

test('histogram: a far tail goes to an overflow bar instead of squashing the shape', () => {
  const samples = [...Array.from({ length: 199 }, (_, i) => 1 + i / 1000), 50];
  const svg = histogramSvg(samples, { title: 't' });
  expect(bars(svg).reduce((a, b) => a + b, 0)).toBe(199);
  expect(svg).toContain('<title>1 samples above');
});

test('histogram: markers are drawn, a target beyond the samples widens the axis', () => {
  const svg = histogramSvg([1, 2, 3], {
    title: 'x',
    markers: [{ value: 10, label: 'target p95 10', kind: 'target' }],
  });
  expect(svg).toContain('class="marker target"');
  expect(svg).toContain('>10.30<'); // the axis ends 3% past the target
});

test('trend: a point per run for median and p95, the target as a line', () => {
  const svg = trendSvg(
    [
      { timestamp: '2025-01-01T00:00:00Z', commit: 'aaaa', median: 1, p95: 2 },
      { timestamp: '2025-01-02T00:00:00Z', commit: 'bbbb', median: 1.2, p95: null },
    ],
    { title: 'trend', target: 3 },
  );
  expect(svg.match(/<circle class="point median"/g)).toHaveLength(2);
  expect(svg.match(/<circle class="point p95"/g)).toHaveLength(1);
  expect(svg).toContain('class="marker target"');
  expect(trendSvg([], { title: 'none' })).toBe('');
});

test('text is escaped', () => {
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
