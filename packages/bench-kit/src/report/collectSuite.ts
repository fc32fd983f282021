/**
 * Reads one bench file's results out of Vitest 5's reported test cases: the benchmark results Vitest
 * attaches to each test case (`testCase.benchmarks()`: groups of tinybench task statistics, with raw
 * samples when `benchmark.retainSamples` is on) and our recorded measurements
 * (`testCase.artifacts()` of type `tasker:measurement`), labels (`tasker:context`) and comparisons
 * (`tasker:comparison`).
 */
import { basename, relative } from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import { isMeasurementArtifact } from '../record/record.ts';
import { isComparisonArtifact } from '../record/recordComparison.ts';
import { isContextArtifact } from '../record/recordContext.ts';
import { type SampleSummary, summarizeSamples } from '../stats/summarizeSamples.ts';
import type {
  BenchEntry,
  ComparisonEntry,
  ContextEntry,
  FailureEntry,
  RecordEntry,
  SuiteResult,
} from './suiteResult.ts';

type TinybenchStatistics = ReturnType<TestCase['benchmarks']>[number]['tasks'][number]['latency'];

export function suiteName(moduleId: string): string {
  return basename(moduleId).replace(/\.(bench|benchmark)\.[cm]?[jt]sx?$/, '');
}

export function collectSuite(testModule: TestModule, repoRoot: string): SuiteResult {
  const benches: BenchEntry[] = [];
  const records: RecordEntry[] = [];
  const context: ContextEntry[] = [];
  const comparisons: ComparisonEntry[] = [];
  const failures: FailureEntry[] = [];
  for (const testCase of testModule.children.allTests()) {
    const test = testCase.fullName;
    for (const group of testCase.benchmarks()) {
      for (const task of group.tasks) {
        const samples = task.latency.samples;
        benches.push({
          name: task.name,
          test,
          summary: samples?.length ? summarizeSamples(samples) : fromStatistics(task.latency),
          opsPerSecond: task.throughput.mean,
          ...(samples?.length && !task.fromStore ? { samplesMs: [...samples] } : {}),
          fromStore: task.fromStore === true,
        });
      }
    }
    for (const artifact of testCase.artifacts()) {
      if (isContextArtifact(artifact)) {
        const { name, value, note } = artifact;
        context.push({ name, test, value, ...(note ? { note } : {}) });
        continue;
      }
      if (isComparisonArtifact(artifact)) {
        comparisons.push({ title: artifact.title, test, comparison: artifact.comparison });
        continue;
      }
      if (!isMeasurementArtifact(artifact)) continue;
      const { name, measurement } = artifact;
      records.push({
        name,
        test,
        measurement,
        ...(measurement.kind === 'latency' ? { summary: summarizeSamples(measurement.samplesMs) } : {}),
      });
    }
    const result = testCase.result();
    if (result.state === 'failed') {
      failures.push({ test, message: result.errors[0]?.message.split('\n')[0] ?? 'failed' });
    }
  }
  return {
    suite: suiteName(testModule.moduleId),
    file: relative(repoRoot, testModule.moduleId),
    project: testModule.project.name,
    benches,
    records,
    context,
    comparisons,
    failures,
  };
}

/** Without raw samples only tinybench's own figures are known: no p95, no outlier counts. */
function fromStatistics(latency: TinybenchStatistics): SampleSummary {
  const reason = 'p95 needs the raw samples (benchmark.retainSamples)';
  return {
    samplesCount: latency.samplesCount,
    mean: latency.mean,
    sd: latency.sd,
    sem: latency.sem,
    moe: latency.moe,
    rme: latency.rme,
    min: latency.min,
    max: latency.max,
    p50: latency.p50,
    p95: undefined,
    p99: latency.samplesCount >= 100 ? latency.p99 : undefined,
    withheld:
      latency.samplesCount >= 100
        ? [reason]
        : [reason, `p99 needs ≥ 100 samples (have ${latency.samplesCount})`],
    outliers: undefined,
  };
}
