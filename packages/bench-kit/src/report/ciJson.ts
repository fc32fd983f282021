/**
 * The machine-readable result of one suite, `tmp/benchmarks/ci/<suite>.json`, for CI jobs and
 * dashboards. Shape: docs/benchmark-results.schema.json (a test validates real output against it).
 * One result per evaluated row — a bench with a p50 and a p95 target gives two results, told apart
 * by `metric` — plus one `failed` result per failed test — and the suite's comparison tables.
 */
import { inRoundTrips } from '../floor/floorUnits.ts';
import type { ComparisonTable } from './comparisonTable.ts';
import type { RunEnvironment } from './environment.ts';
import type { EvaluatedRow } from './evaluateTargets.ts';
import type { SuiteReport } from './suiteReport.ts';

export type CiStatus = 'passed' | 'warning' | 'insufficient_data' | 'no_target' | 'failed';

export interface CiResult {
  name: string;
  source: 'bench' | 'record' | 'test';
  metric: string | null;
  mean_ms: number | null;
  std_dev_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  samples: number;
  outliers: { mild: number; severe: number } | null;
  value: number | null;
  unit: string | null;
  target_ms: number | null;
  target: { metric: string; threshold: number; unit: string; reference: string } | null;
  status: CiStatus;
  /** the seed format's ratio: target / value for a "≤" target, value / target for a "≥" one
   *  (throughput-min), so above 1 is better than the target and below 1 is over it */
  performance_ratio: number | null;
  /** a latency (unit ms) in round trips: value / environment.floor.round_trip_p50_ms */
  round_trips: number | null;
  reason?: string;
}

export interface CiReport {
  benchmark_suite: string;
  timestamp: string;
  commit: string;
  file: string;
  environment: {
    db_provider: string;
    db_description: string;
    postgres_version: string;
    pgmq: string;
    pg_settings: Record<string, string>;
    node: string;
    os: string;
    cpu_model: string;
    cpu_count: number;
    profile: string;
    module_runner: 'native' | 'vite';
    /** the machine's floor on the run's server, p50s over `tries` attempts each */
    floor: {
      round_trip_p50_ms: number;
      notify_listen_p50_ms: number;
      commit_p50_ms: number;
      tries: number;
    } | null;
  };
  results: CiResult[];
  /** labels the benches recorded about their setting (recordContext): text, not figures */
  context: Array<{ name: string; value: string; note?: string }>;
  /** the suite's comparisons (recordComparison) as tables: figures, ratios to the reference, distributions */
  comparisons: ComparisonTable[];
  summary: { total_tests: number; passed: number; failed: number; warnings: number; no_target: number };
}

const STATUS: Record<EvaluatedRow['status'], CiStatus> = {
  within: 'passed',
  over: 'warning',
  withheld: 'insufficient_data',
  'no-target': 'no_target',
};

export function buildCiReport(report: SuiteReport, env: RunEnvironment): CiReport {
  const { result } = report;
  const summaries = new Map<string, NonNullable<(typeof result.records)[number]['summary']>>();
  for (const b of result.benches) if (!b.fromStore) summaries.set(`bench:${b.name}`, b.summary);
  for (const r of result.records) if (r.summary) summaries.set(`record:${r.name}`, r.summary);

  const results: CiResult[] = report.rows.map((row) => {
    const s = summaries.get(`${row.source}:${row.name}`);
    const latency = row.unit === 'ms' && s !== undefined;
    return {
      name: row.name,
      source: row.source,
      metric: row.metric,
      mean_ms: s?.mean ?? null,
      std_dev_ms: s?.sd ?? null,
      p50_ms: s?.p50 ?? null,
      p95_ms: s?.p95 ?? null,
      p99_ms: s?.p99 ?? null,
      samples: s?.samplesCount ?? 0,
      outliers: s?.outliers ?? null,
      value: row.value ?? null,
      unit: row.unit,
      target_ms: latency && row.threshold !== undefined ? row.threshold : null,
      target:
        row.threshold === undefined
          ? null
          : { metric: row.metric, threshold: row.threshold, unit: row.unit, reference: row.reference ?? '' },
      status: STATUS[row.status],
      performance_ratio: row.ratio ?? null,
      round_trips: row.unit === 'ms' ? (inRoundTrips(row.value, env.floor) ?? null) : null,
      ...(row.reason ? { reason: row.reason } : {}),
    };
  });
  for (const failure of result.failures) {
    results.push({
      name: failure.test,
      source: 'test',
      metric: null,
      mean_ms: null,
      std_dev_ms: null,
      p50_ms: null,
      p95_ms: null,
      p99_ms: null,
      samples: 0,
      outliers: null,
      value: null,
      unit: null,
      target_ms: null,
      target: null,
      status: 'failed',
      performance_ratio: null,
      round_trips: null,
      reason: failure.message,
    });
  }
  const count = (...statuses: CiStatus[]) => results.filter((r) => statuses.includes(r.status)).length;
  return {
    benchmark_suite: result.suite,
    timestamp: env.timestamp,
    commit: env.commit,
    file: result.file,
    environment: {
      db_provider: env.db.provider,
      db_description: env.db.description,
      postgres_version: env.db.postgresVersion,
      pgmq: env.db.pgmq,
      pg_settings: env.pgSettings,
      node: env.node,
      os: env.os,
      cpu_model: env.cpu.model,
      cpu_count: env.cpu.count,
      profile: env.profile,
      module_runner: env.moduleRunner,
      floor: env.floor
        ? {
            round_trip_p50_ms: env.floor.roundTripMs,
            notify_listen_p50_ms: env.floor.notifyMs,
            commit_p50_ms: env.floor.commitMs,
            tries: env.floor.tries,
          }
        : null,
    },
    results,
    context: (result.context ?? []).map(({ name, value, note }) => ({
      name,
      value,
      ...(note ? { note } : {}),
    })),
    comparisons: report.comparisons,
    summary: {
      total_tests: results.length,
      passed: count('passed'),
      failed: count('failed'),
      warnings: count('warning', 'insufficient_data'),
      no_target: count('no_target'),
    },
  };
}
