/**
 * Every path under `tmp/benchmarks/` (TASKER_TMP_DIR moves `tmp/`), in this one module: what the
 * reporter writes there, what the scripts read and write. Functions that take an output directory
 * (tests pass a temporary one, `bench:ab` each round's own) find their files through
 * `benchmarkPaths(dir)`, never by joining names of their own.
 *
 *   <stamp>-<suite>.log          markdown log of each suite, kept per run (writeReports.ts)
 *   latest/<suite>.log           the newest dated log of each suite (a relative symlink, else a copy)
 *   latest/<suite>.samples.json  the newest run's figures and raw samples (runSamplesFile.ts)
 *   latest/summary.md            every suite of the run on one page
 *   latest/baseline.md, .json    the comparison with `--baseline` and what regressed (baselineReport.ts)
 *   ci/<suite>.json              machine-readable results (docs/benchmark-results.schema.json)
 *   plans/<suite>/<name>.json    query plans, when SAVE_QUERY_PLANS=1
 *   baselines/<name>.json        stored runs (`--save-baseline <name>`, baselineFile.ts)
 *   history.jsonl                one line per suite per run (TASKER_BENCH_HISTORY moves it)
 *   profiles/<stamp>/            `bench:profile`'s CPU, heap and database profiles
 *   report/                      `bench:report`'s static HTML report
 *   ab/ab.md, ab/ab.json         `bench:ab`'s comparison
 *   pr-comment.md                the PR comment of `bench:ci` and `bench:ab`
 */
import { join } from 'node:path';
import { repoTmpDir } from '../provision/paths.ts';

export interface BenchmarkPaths {
  readonly dir: string;
  readonly latest: string;
  latestLog(suite: string): string;
  latestSamples(suite: string): string;
  readonly summary: string;
  readonly baselineTable: string;
  readonly baselineVerdict: string;
  readonly ci: string;
  ciJson(suite: string): string;
  suiteLog(stamp: string, suite: string): string;
  plans(suite: string): string;
  readonly baselines: string;
  readonly history: string;
  profiles(stamp: string): string;
  readonly report: string;
  readonly ab: string;
  readonly abTable: string;
  readonly abJson: string;
  readonly prComment: string;
}

/** `<tmp>/benchmarks`: the repo's `tmp/` (TASKER_TMP_DIR) unless another tmp directory is named. */
export function benchmarksDir(tmpDir: string = repoTmpDir()): string {
  return join(tmpDir, 'benchmarks');
}

export function benchmarkPaths(
  dir: string = benchmarksDir(),
  env: NodeJS.ProcessEnv = process.env,
): BenchmarkPaths {
  const latest = join(dir, 'latest');
  return {
    dir,
    latest,
    latestLog: (suite) => join(latest, `${suite}.log`),
    latestSamples: (suite) => join(latest, `${suite}.samples.json`),
    summary: join(latest, 'summary.md'),
    baselineTable: join(latest, 'baseline.md'),
    baselineVerdict: join(latest, 'baseline.json'),
    ci: join(dir, 'ci'),
    ciJson: (suite) => join(dir, 'ci', `${suite}.json`),
    suiteLog: (stamp, suite) => join(dir, `${stamp}-${suite}.log`),
    plans: (suite) => join(dir, 'plans', suite),
    baselines: join(dir, 'baselines'),
    history: env.TASKER_BENCH_HISTORY?.trim() || join(dir, 'history.jsonl'),
    profiles: (stamp) => join(dir, 'profiles', stamp),
    report: join(dir, 'report'),
    ab: join(dir, 'ab'),
    abTable: join(dir, 'ab', 'ab.md'),
    abJson: join(dir, 'ab', 'ab.json'),
    prComment: join(dir, 'pr-comment.md'),
  };
}
