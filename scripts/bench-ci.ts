/**
 * `pnpm bench:ci [--baseline <name>] [--skip-load-runs] [vitest filters…]`
 *
 * The PR-CI bench run: the quick profile over the CI selection (below), the CI JSON
 * (tmp/benchmarks/ci/<suite>.json), and tmp/benchmarks/pr-comment.md — the comparison of every
 * figure of the run (latency, throughput, growth, bytes, values) with the baseline when one exists
 * (default: `main`, what the push-to-main job saves; src/baseline/compareToBaseline.ts) and with the
 * earlier runs in the history (src/history/compareWithHistory.ts), worst news first, each with the
 * test that decided; the targets missed; one line per suite. Exit 1 when a bench failed or a figure
 * regressed against the baseline. The history comparison informs but does not fail the run: its
 * earlier runs may be from another hour of a shared machine (see docs/benchmarks/README.md).
 *
 * The CI selection: every package's benches (the whole quick profile fits in 5 minutes on the 2-core
 * dev machine: see docs/benchmarks/README.md, "bench:ci"); `--skip-load-runs` leaves out the e2e
 * load runs listed in LOAD_RUNS, for a runner too loaded to finish them in time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  BaselineError,
  type BaselineRun,
  baselinePath,
  benchmarkPaths,
  benchmarksDir,
  buildPrComment,
  compareRun,
  compareWithHistory,
  figuresByKey,
  formatBaselineChanges,
  formatHistoryTable,
  loadBaseline,
  missedTargets,
  readCiReports,
  readHistory,
  readRunSamples,
  targetRegistry,
} from '@tasker/bench-kit/node';

/** Bench files `--skip-load-runs` leaves out (vitest file filters are positive only, so the
 *  selection is the complement, passed as file filters). What each costs. */
export const LOAD_RUNS: Record<string, string> = {
  throughput: 'e2e load run (closed loop with 1/2/4 worker processes, open loop at fixed rates): ~15-50 s',
  peers: 'e2e comparison with graphile-worker and pg-boss: ~20 s',
  step_cost: 'e2e no-op burn-downs of tasker, graphile-worker and pg-boss under the cost meter: ~20 s',
  memory: 'e2e sustained cluster run for leak detection: ~15 s; only conclusive in the full profile',
};

const args = process.argv.slice(2);
let baselineName: string | undefined;
let skipLoadRuns = false;
const passThrough: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  if (arg === '--baseline') baselineName = args[++i];
  else if (arg.startsWith('--baseline=')) baselineName = arg.slice('--baseline='.length);
  else if (arg === '--skip-load-runs') skipLoadRuns = true;
  else passThrough.push(arg);
}

const outputDir = benchmarksDir();
const paths = benchmarkPaths(outputDir);
const explicitBaseline = baselineName !== undefined;
baselineName ??= existsSync(baselinePath(paths.baselines, 'main')) ? 'main' : undefined;
const baseline = loadChosenBaseline(baselineName);

const started = new Date();
const benchArgs = [...passThrough];
if (skipLoadRuns && passThrough.every((a) => a.startsWith('-'))) {
  benchArgs.push(...ciSelection());
}
console.log(
  `bench:ci — quick profile${baseline ? `, against baseline "${baseline.name}"` : ', no baseline'}`,
);
const result = spawnSync('node', ['scripts/bench.ts', ...benchArgs], {
  stdio: 'inherit',
  env: { ...process.env, TASKER_BENCH_PROFILE: 'quick' },
});
const seconds = (Date.now() - started.getTime()) / 1000;

const reports = readCiReports(outputDir, started);
const figures = figuresByKey(readRunSamples(outputDir, started));
const rows = baseline ? compareRun(baseline, figures, targetRegistry) : [];
const regressed = rows.filter((r) => r.comparison?.verdict === 'regressed');
// this run's history lines are the ones written since it started; every earlier line is its past
const history = readHistory(paths.history);
const thisRun = history.filter((line) => new Date(line.timestamp) >= started);
const historyRows = compareWithHistory(history, thisRun, targetRegistry);
const historyTable = thisRun.length > 0 ? formatHistoryTable(historyRows) : undefined;
const historyRegressed = historyRows.filter((r) => r.verdict === 'regressed');
const missed = missedTargets(reports);
const commit = reports[0]?.commit.slice(0, 12) ?? 'unknown';
const comment = buildPrComment({
  title: regressed.length > 0 ? `Benchmarks: ${regressed.length} regressed` : 'Benchmarks',
  context: `Commit \`${commit}\` · quick profile · ${reports.length} suites · ${Math.round(seconds)} s · ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'} · Node ${process.version}`,
  comparison:
    [baseline ? formatBaselineChanges(baseline.name, rows) : undefined, historyTable]
      .filter((part) => part !== undefined)
      .join('\n\n') || undefined,
  missed,
  reports,
});
mkdirSync(outputDir, { recursive: true });
const commentFile = paths.prComment;
writeFileSync(commentFile, comment);
if (historyTable) console.log(`\n${historyTable}`);
console.log(`\nPR comment: ${commentFile} · ${reports.length} suites in ${seconds.toFixed(0)} s`);
if (historyRegressed.length > 0)
  console.warn(
    `⚠️ ${historyRegressed.length} regressed against the history (reported, not failing): ${historyRegressed.map((r) => r.key).join(', ')}`,
  );

if (reports.length === 0) {
  console.error('❌ bench:ci: the run wrote no CI JSON (did any bench run?)');
  process.exit(1);
}
if (regressed.length > 0) {
  console.error(`❌ ${regressed.length} regressed: ${regressed.map((r) => r.key).join(', ')}`);
  process.exit(1);
}
process.exit(result.status ?? 1);

/**
 * The baseline to compare with. One named on the command line must load; the default `main` left by
 * an older checkout (another format) is skipped with the reason, so the run still reports.
 */
function loadChosenBaseline(name: string | undefined): BaselineRun | undefined {
  if (name === undefined) return undefined;
  try {
    return loadBaseline(paths.baselines, name);
  } catch (error) {
    if (!(error instanceof BaselineError)) throw error;
    if (explicitBaseline) {
      console.error(`❌ ${error.message}`);
      process.exit(1);
    }
    console.warn(`⚠️ no baseline comparison: ${error.message}`);
    return undefined;
  }
}

/** The bench files of every package minus LOAD_RUNS, as vitest file filters. */
function ciSelection(): string[] {
  const files: string[] = [];
  for (const pkg of readdirSync('packages')) {
    const dir = join('packages', pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir))
      if (f.endsWith('.bench.ts') && !(f.replace(/\.bench\.ts$/, '') in LOAD_RUNS)) files.push(join(dir, f));
  }
  return files;
}
