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
  benches: { 'pgmq/send → read → archive': { samplesMs: [2.1, 2.3, 2.2] } },
};

test('save then load gives the same run', () => {
  const file = saveBaseline(dir, run);
  expect(file).toBe(join(dir, 'main.json'));
  expect(loadBaseline(dir, 'main')).toEqual(run);
});

test('corrupt JSON: a BaselineError naming the file, the problem and the fix', () => {
  writeFileSync(join(dir, 'corrupt.json'), '{"format": "tasker-baseline/1", "benches": {');
  const load = () => loadBaseline(dir, 'corrupt');
  expect(load).toThrow(BaselineError);
  expect(load).toThrow(`baseline ${join(dir, 'corrupt.json')}: is not valid JSON`);
  expect(load).toThrow('→ delete it and save it again: pnpm bench --save-baseline corrupt');
});

test('valid JSON of the wrong shape is refused with what is wrong', () => {
  writeFileSync(
    join(dir, 'shape.json'),
    JSON.stringify({ ...run, benches: { 'pgmq/x': { samplesMs: [1, 'two'] } } }),
  );
  expect(() => loadBaseline(dir, 'shape')).toThrow('benches["pgmq/x"].samplesMs holds a non-number');
  writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...run, format: 'tasker-baseline/0' }));
  expect(() => loadBaseline(dir, 'old')).toThrow('format is "tasker-baseline/0"');
});

test('a missing baseline says how to create it; a name cannot leave the directory', () => {
  expect(() => loadBaseline(dir, 'nope')).toThrow('save one first: pnpm bench --save-baseline nope');
  expect(() => loadBaseline(dir, '../etc/passwd')).toThrow('is not a usable baseline name');
});
