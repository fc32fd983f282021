/**
 * The plain data a report is made of, one `SuiteResult` per bench file (a suite). Built from Vitest's
 * test cases by `collectSuite`; the formatting functions take only these, so they are tested on fixed
 * fixtures without a live run.
 */
import type { Comparison } from '../record/comparison.ts';
import type { Measurement } from '../record/measurement.ts';
import type { SampleSummary } from '../stats/summarizeSamples.ts';

export interface BenchEntry {
  /** the name given to `bench(name, …)` */
  name: string;
  /** full name of the test that ran it */
  test: string;
  /** latency summary (ms) */
  summary: SampleSummary;
  /** tinybench's mean throughput, operations per second */
  opsPerSecond: number;
  /** raw latency samples (ms) when `benchmark.retainSamples` kept them; baselines store these */
  samplesMs?: number[];
  /** a `bench.from()` replay, not a measurement of this run */
  fromStore: boolean;
}

export interface RecordEntry {
  name: string;
  test: string;
  measurement: Measurement;
  /** for latency records: the summary of their samples */
  summary?: SampleSummary;
}

/** A label a bench recorded about its setting (`recordContext`): shown as context, never as a figure. */
export interface ContextEntry {
  name: string;
  test: string;
  value: string;
  note?: string;
}

/** A comparison a bench recorded (`recordComparison`): a view over its records, one table. */
export interface ComparisonEntry {
  title: string;
  test: string;
  comparison: Comparison;
}

export interface FailureEntry {
  test: string;
  message: string;
}

export interface SuiteResult {
  /** bench file name without `.bench.ts`: the first half of every target key */
  suite: string;
  /** path relative to the repo */
  file: string;
  project: string;
  benches: BenchEntry[];
  records: RecordEntry[];
  /** labels from `recordContext` (absent in results built before there were any) */
  context?: ContextEntry[];
  /** tables from `recordComparison` (absent in results built before there were any) */
  comparisons?: ComparisonEntry[];
  failures: FailureEntry[];
}
