import { expect, test } from 'vitest';
import { benchmarkPaths, benchmarksDir } from './benchmarkPaths.ts';

test('every report path sits where the docs and CI caches expect it under the output directory', () => {
  const paths = benchmarkPaths('/out', {});
  expect({
    latestLog: paths.latestLog('pgmq'),
    latestSamples: paths.latestSamples('pgmq'),
    summary: paths.summary,
    baselineTable: paths.baselineTable,
    baselineVerdict: paths.baselineVerdict,
    ciJson: paths.ciJson('pgmq'),
    suiteLog: paths.suiteLog('2025-01-31_142501', 'pgmq'),
    plans: paths.plans('pgmq'),
    baselines: paths.baselines,
    history: paths.history,
    profiles: paths.profiles('2025-01-31-14-25-01'),
    report: paths.report,
    abTable: paths.abTable,
    abJson: paths.abJson,
    prComment: paths.prComment,
  }).toEqual({
    latestLog: '/out/latest/pgmq.log',
    latestSamples: '/out/latest/pgmq.samples.json',
    summary: '/out/latest/summary.md',
    baselineTable: '/out/latest/baseline.md',
    baselineVerdict: '/out/latest/baseline.json',
    ciJson: '/out/ci/pgmq.json',
    suiteLog: '/out/2025-01-31_142501-pgmq.log',
    plans: '/out/plans/pgmq',
    baselines: '/out/baselines',
    history: '/out/history.jsonl',
    profiles: '/out/profiles/2025-01-31-14-25-01',
    report: '/out/report',
    abTable: '/out/ab/ab.md',
    abJson: '/out/ab/ab.json',
    prComment: '/out/pr-comment.md',
  });
});

test('TASKER_BENCH_HISTORY moves the history file, and only it', () => {
  const paths = benchmarkPaths('/out', { TASKER_BENCH_HISTORY: '/data/h.jsonl' });
  expect(paths.history).toBe('/data/h.jsonl');
  expect(paths.ciJson('pgmq')).toBe('/out/ci/pgmq.json');
});

test('the output directory is benchmarks/ in the tmp directory it is given', () => {
  expect(benchmarksDir('/work/tmp')).toBe('/work/tmp/benchmarks');
});
