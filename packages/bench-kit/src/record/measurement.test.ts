import { expect, test } from 'vitest';
import { validateMeasurement } from './measurement.ts';

test('valid measurements pass', () => {
  expect(() => validateMeasurement('a', { kind: 'latency', samplesMs: [1, 2] })).not.toThrow();
  expect(() =>
    validateMeasurement('b', { kind: 'throughput', perSecond: 10, unit: 'msgs', count: 5 }),
  ).not.toThrow();
  expect(() =>
    validateMeasurement('c', { kind: 'breakdown', phasesMs: { claim: 1, submit: 2 } }),
  ).not.toThrow();
});

test('bad figures fail in the bench with the name and the field', () => {
  expect(() => validateMeasurement('open loop', { kind: 'latency', samplesMs: [] })).toThrow(
    `record("open loop", { kind: 'latency' }): samplesMs is empty`,
  );
  expect(() => validateMeasurement('x', { kind: 'latency', samplesMs: [1, Number.NaN] })).toThrow(
    'samplesMs[1]',
  );
  expect(() =>
    validateMeasurement('x', { kind: 'throughput', perSecond: Number.POSITIVE_INFINITY, unit: 'msgs' }),
  ).toThrow('perSecond must be a finite number');
  expect(() => validateMeasurement('x', { kind: 'breakdown', phasesMs: {} })).toThrow('phasesMs is empty');
  expect(() => validateMeasurement(' ', { kind: 'bytes', bytes: 1 })).toThrow('the name must not be empty');
  expect(() =>
    validateMeasurement('x', {
      kind: 'value',
      value: 1,
      unit: 'x',
      better: 'up' as unknown as 'higher',
    }),
  ).toThrow('better must be "higher" or "lower", got "up"');
});
