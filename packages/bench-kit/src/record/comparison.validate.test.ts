import { expect, test } from 'vitest';
import { type Comparison, validateComparison } from './comparison.ts';
import type { Measurement } from './measurement.ts';
import { recordComparison } from './recordComparison.ts';

const recorded = new Map<string, Measurement>([
  ['chain: a', { kind: 'latency', samplesMs: [1, 2] }],
  ['chain: b', { kind: 'latency', samplesMs: [2, 3] }],
  ['a: rate', { kind: 'throughput', perSecond: 10, unit: 'jobs' }],
  ['b: rate', { kind: 'throughput', perSecond: 12, unit: 'jobs' }],
]);
const valid: Comparison = {
  reference: 'a',
  measures: [
    { name: 'chain', kind: 'latency', unit: 'ms', better: 'lower' },
    { name: 'rate', kind: 'value', unit: 'jobs/s', better: 'higher' },
  ],
  rows: [
    { name: 'a', figures: { chain: { record: 'chain: a' }, rate: { record: 'a: rate' } } },
    { name: 'b', figures: { chain: { record: 'chain: b' }, rate: { unavailable: 'b cannot burn down' } } },
  ],
};
const check = (comparison: Comparison) => () => validateComparison('peers', comparison, recorded);

test('a comparison of recorded figures, with a reason where one is missing, passes', () => {
  expect(check(valid)).not.toThrow();
});

test('every cell names a recorded figure of a kind its measure shows, or says why it has none', () => {
  const withCell = (figures: Comparison['rows'][number]['figures']): Comparison => ({
    ...valid,
    rows: [valid.rows[0] as Comparison['rows'][number], { name: 'b', figures }],
  });
  expect(check(withCell({ chain: { record: 'chain: b' } }))).toThrow(
    'recordComparison("peers"): row "b", measure "rate": no cell (give the record, or why there is none)',
  );
  expect(check(withCell({ chain: { record: 'chain: c' }, rate: { record: 'b: rate' } }))).toThrow(
    'row "b", measure "chain": no measurement "chain: c" was recorded before the comparison',
  );
  expect(check(withCell({ chain: { record: 'b: rate' }, rate: { record: 'b: rate' } }))).toThrow(
    'row "b", measure "chain": "b: rate" is a throughput record; a latency measure shows latency',
  );
  expect(check(withCell({ chain: { record: 'chain: b' }, rate: { unavailable: ' ' } }))).toThrow(
    'row "b", measure "rate": say why there is no figure',
  );
  expect(
    check(
      withCell({ chain: { record: 'chain: b' }, rate: { record: 'b: rate' }, speed: { record: 'b: rate' } }),
    ),
  ).toThrow('row "b": "speed" is not a measure');
});

test('the reference is a row; names are unique; two rows at least', () => {
  expect(check({ ...valid, reference: 'tasker' })).toThrow('the reference "tasker" is not a row');
  expect(check({ ...valid, rows: [valid.rows[0], valid.rows[0]] as Comparison['rows'] })).toThrow(
    'row "a" appears twice',
  );
  expect(check({ ...valid, rows: [valid.rows[0]] as Comparison['rows'] })).toThrow(
    'a comparison needs at least 2 rows, got 1',
  );
  expect(
    check({
      ...valid,
      measures: [...valid.measures, { name: 'chain', kind: 'value', unit: 'ms', better: 'lower' }],
    }),
  ).toThrow('measure "chain" appears twice');
});

test('recordComparison checks the cells against what the test recorded before it', async ({ task }) => {
  await expect(recordComparison(task, 'peers', valid)).rejects.toThrow(
    'row "a", measure "chain": no measurement "chain: a" was recorded before the comparison',
  );
});
