import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { fixtureEnvironment } from '../report/reportFixture.ts';
import { BaselineError } from './baselineError.ts';
import { BASELINE_FORMAT, type BaselineRun, loadBaseline, saveBaseline } from './baselineFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'tasker-baselines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run: BaselineRun = {
  format: BASELINE_FORMAT,
  name: 'main',
  savedAt: fixtureEnvironment.timestamp,
  environment: fixtureEnvironment,
  figures: {
    'pgmq/send → read → archive': {
      kind: 'latency',
      unit: 'ms',
      better: 'lower',
      value: 2.2,
      samplesMs: [2.1, 2.3, 2.2],
    },
    'pgmq/send (batch 100)': { kind: 'throughput', unit: 'msgs/s', better: 'higher', value: 52_000 },
    'memory/heap growth after GC': { kind: 'growth', unit: 'x', better: 'lower', value: 1.04 },
  },
};

test('save then load gives the same run', () => {
  const file = saveBaseline(dir, run);
  expect(file).toBe(join(dir, 'main.json'));
  expect(loadBaseline(dir, 'main')).toEqual(run);
});

test('corrupt JSON: a BaselineError naming the file, the problem and the fix', () => {
  writeFileSync(join(dir, 'corrupt.json'), '{"format": "tasker-baseline/2", "figures": {');
  const load = () => loadBaseline(dir, 'corrupt');
  expect(load).toThrow(BaselineError);
  expect(load).toThrow(`baseline ${join(dir, 'corrupt.json')}: is not valid JSON`);
  expect(load).toThrow('→ delete it and save it again: pnpm bench --save-baseline corrupt');
});

test('valid JSON of the wrong shape is refused with what is wrong', () => {
  writeFileSync(
    join(dir, 'shape.json'),
    JSON.stringify({
      ...run,
      figures: {
        'pgmq/x': { kind: 'latency', unit: 'ms', better: 'lower', value: 1, samplesMs: [1, 'two'] },
      },
    }),
  );
  expect(() => loadBaseline(dir, 'shape')).toThrow('figures["pgmq/x"] samplesMs holds a non-number');
  writeFileSync(
    join(dir, 'direction.json'),
    JSON.stringify({
      ...run,
      figures: { 'pgmq/y': { kind: 'throughput', unit: '/s', better: 'up', value: 1 } },
    }),
  );
  expect(() => loadBaseline(dir, 'direction')).toThrow(
    'figures["pgmq/y"] better is "up" (expected "higher", "lower" or null)',
  );
  writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...run, format: 'tasker-baseline/9' }));
  expect(() => loadBaseline(dir, 'future')).toThrow('format is "tasker-baseline/9"');
});

test('a format-1 file (latency samples only) is refused with the fix; bench:ab may read it as latency', () => {
  const legacy = {
    format: 'tasker-baseline/1',
    name: 'old',
    savedAt: run.savedAt,
    environment: run.environment,
    benches: { 'pgmq/send → read → archive': { samplesMs: [2.1, 2.4, 2.2] } },
  };
  writeFileSync(join(dir, 'old.json'), JSON.stringify(legacy));
  const load = () => loadBaseline(dir, 'old');
  expect(load).toThrow(BaselineError);
  expect(load).toThrow('is a tasker-baseline/1 file, which kept latency samples only');
  expect(load).toThrow('→ save it again with this checkout: pnpm bench --save-baseline old');
  expect(loadBaseline(dir, 'old', { legacy: 'latency-only' }).figures).toEqual({
    'pgmq/send → read → archive': {
      kind: 'latency',
      unit: 'ms',
      better: 'lower',
      value: 2.2,
      samplesMs: [2.1, 2.4, 2.2],
    },
  });
});

test('a missing baseline says how to create it; a name cannot leave the directory', () => {
  expect(() => loadBaseline(dir, 'nope')).toThrow('save one first: pnpm bench --save-baseline nope');
  expect(() => loadBaseline(dir, '../etc/passwd')).toThrow('is not a usable baseline name');
});
