import { expect, test } from 'vitest';
import { percentile, sortAscending } from '../stats/percentile.ts';
import { buildComparisonTables } from './comparisonTable.ts';
import { peersSuite } from './reportFixture.ts';

const [table] = buildComparisonTables(peersSuite);
if (!table) throw new Error('the fixture records one comparison');
const column = (measure: string, metric: string) =>
  table.columns.findIndex((c) => c.measure === measure && c.metric === metric);
const cell = (row: string, measure: string, metric = 'value') =>
  table.rows.find((r) => r.name === row)?.cells[column(measure, metric)];
const samples = (name: string) => {
  const r = peersSuite.records.find((x) => x.name === name)?.measurement;
  return r?.kind === 'latency' ? sortAscending(r.samplesMs) : [];
};

test('a latency measure gives p50, p95 and p99 columns; a value measure one', () => {
  expect(table.columns.map((c) => `${c.measure} ${c.metric}`)).toEqual([
    'chain p50',
    'chain p95',
    'chain p99',
    'burn-down value',
    'CPU value',
    'idle statements value',
  ]);
});

test('every ratio is the figure ÷ the reference’s in the same column, whichever way is better', () => {
  const beta = percentile(samples('chain: beta'), 0.5);
  const alpha = percentile(samples('chain: alpha'), 0.5);
  expect(cell('beta', 'chain', 'p50')).toEqual({ value: beta, ratio: beta / alpha, record: 'chain: beta' });
  expect(cell('alpha', 'chain', 'p50')?.ratio).toBe(1);
  // throughput: higher is better, the ratio is still figure ÷ reference (900 / 1,200)
  expect(cell('beta', 'burn-down')).toEqual({ value: 900, ratio: 0.75, record: 'beta: burn-down' });
});

test('a cell without a figure, or without a ratio, says why', () => {
  expect(cell('gamma', 'chain', 'p99')).toEqual({
    value: null,
    ratio: null,
    reason: 'p99 needs ≥ 100 samples (have 30)',
  });
  expect(cell('gamma', 'CPU')).toEqual({
    value: null,
    ratio: null,
    reason: 'PostgreSQL CPU: the server is not local',
  });
  expect(cell('beta', 'idle statements')).toEqual({
    value: 2,
    ratio: null,
    reason: "alpha's figure is 0",
    record: 'beta: idle statements per second',
  });
  // 0 against 0 is the same figure
  expect(cell('alpha', 'idle statements')?.ratio).toBe(1);
});

test('latency rows carry the distribution the charts draw', () => {
  const gamma = table.rows.find((r) => r.name === 'gamma')?.distributions.chain;
  const sorted = samples('chain: gamma');
  expect(gamma).toEqual({
    samples: 30,
    min: sorted[0],
    p25: percentile(sorted, 0.25),
    p50: percentile(sorted, 0.5),
    p75: percentile(sorted, 0.75),
    p95: percentile(sorted, 0.95),
    p99: null,
    max: sorted[29],
  });
  expect(Object.keys(table.rows[0]?.distributions ?? {})).toEqual(['chain']);
});
