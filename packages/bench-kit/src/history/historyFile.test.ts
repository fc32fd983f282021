import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { thinSamples } from '../baseline/runFigures.ts';
import { eventPropagation, fixtureEnvironment, pgmqSuite } from '../report/reportFixture.ts';
import { appendHistory, historyLines, readHistory } from './historyFile.ts';
import { figuresByKey } from './latestRun.ts';
import { readLatestSamples, writeRunSamples } from './runSamplesFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'tasker-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('one line per figure (every bench and record but plans), with the run context', () => {
  const lines = historyLines([eventPropagation, pgmqSuite], fixtureEnvironment);
  const figures =
    [eventPropagation, pgmqSuite].flatMap((s) => s.benches.filter((b) => !b.fromStore)).length +
    [eventPropagation, pgmqSuite].flatMap((s) => s.records.filter((r) => r.measurement.kind !== 'plan'))
      .length;
  expect(lines).toHaveLength(figures);
  expect(lines.find((l) => l.name === 'send (single)')).toMatchObject({
    kind: 'throughput',
    unit: 'msgs/s',
    better: 'higher',
    value: 1_820,
    median: null,
  });
  expect(lines.find((l) => l.name === 'read latency growth')).toMatchObject({ kind: 'growth', value: 1.18 });
  const first = lines[0];
  expect(first).toMatchObject({
    timestamp: '2025-01-31T14:25:01.000Z',
    commit: fixtureEnvironment.commit,
    suite: 'event_propagation',
    environment: { provider: 'url', postgres: '18.1', profile: 'quick' },
  });
  expect(typeof first?.median).toBe('number');
  // p99 is null, not a guess, when the samples do not support it
  expect(lines.some((l) => l.samples < 100 && l.p99 === null)).toBe(true);
});

test('appends across runs; a cut-off last line is skipped', () => {
  const file = join(dir, 'h.jsonl');
  const lines = historyLines([eventPropagation], fixtureEnvironment);
  appendHistory(file, lines);
  appendHistory(file, lines);
  appendFileSync(file, '{"timestamp":"2025-02-01T00:0');
  expect(readHistory(file)).toHaveLength(lines.length * 2);
  expect(readHistory(join(dir, 'missing.jsonl'))).toEqual([]);
});

test('figures and raw samples of the newest run round-trip through latest/<suite>.samples.json', () => {
  writeRunSamples(dir, [eventPropagation, pgmqSuite], fixtureEnvironment);
  const read = readLatestSamples(dir);
  expect(Object.keys(read).sort()).toEqual(['event_propagation', 'pgmq']);
  const bench = eventPropagation.benches.find((b) => b.samplesMs?.length);
  expect(read.event_propagation?.benches[bench?.name ?? '']).toEqual(bench?.samplesMs);
  const figures = figuresByKey(Object.values(read));
  expect(figures['pgmq/send (batch 100)']).toEqual({
    kind: 'throughput',
    unit: 'msgs/s',
    better: 'higher',
    value: 52_000,
  });
  expect(figures[`event_propagation/${bench?.name}`]?.samplesMs).toEqual(bench?.samplesMs);
});

test('a line written before lines carried every figure reads as latency, by its median', () => {
  const file = join(dir, 'old.jsonl');
  const old = {
    timestamp: '2025-01-01T00:00:00.000Z',
    commit: 'c',
    suite: 's',
    name: 'n',
    median: 2.5,
    p95: 3,
    p99: null,
    samples: 50,
  };
  appendFileSync(
    file,
    `${JSON.stringify(old)}\n${JSON.stringify({ ...old, name: 'no median', median: null })}\n`,
  );
  expect(readHistory(file)).toEqual([{ ...old, kind: 'latency', unit: 'ms', better: 'lower', value: 2.5 }]);
});

test('long runs are thinned evenly, short ones kept whole', () => {
  expect(thinSamples([1, 2, 3], 5)).toEqual([1, 2, 3]);
  expect(
    thinSamples(
      Array.from({ length: 10 }, (_, i) => i),
      4,
    ),
  ).toEqual([0, 2, 5, 7]);
});
