/**
 * The tasker bench reporter, registered in vitest.config.ts beside Vitest's default one. At the end
 * of a `vitest bench` run it reads each bench file's results (Vitest 5 attaches them to the test
 * cases: `testCase.benchmarks()`; our own measurements ride along as `tasker:measurement` artifacts),
 * prints a results banner per suite, writes the reports under tmp/benchmarks/, and handles baselines:
 *
 *   TASKER_SAVE_BASELINE=<name>     store every figure of this run (latency with its raw samples) +
 *                                   environment as a baseline
 *   TASKER_BASELINE=<name>          compare every figure of this run with that baseline
 *   TASKER_FAIL_ON_REGRESSION=1     exit non-zero when anything regressed
 *
 * (`pnpm bench --save-baseline main` etc. set these: scripts/bench.ts.) In a `vitest run` there are
 * no benchmark projects and the reporter stays silent.
 */
import type { SerializedError } from 'vitest';
import type { Reporter, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { BaselineError } from '../baseline/baselineError.ts';
import { BASELINE_FORMAT, type BaselineRun, loadBaseline, saveBaseline } from '../baseline/baselineFile.ts';
import { compareRun, formatBaselineTable, writeBaselineVerdict } from '../baseline/baselineReport.ts';
import { runFigures } from '../baseline/runFigures.ts';
import { recordRun } from '../history/recordRun.ts';
import { activeProfile } from '../measure/profiles.ts';
import { repoRoot } from '../provision/paths.ts';
import type { ProvisionedDatabase } from '../provision/providedContext.ts';
import { targetRegistry } from '../targets/registry.ts';
import type { TargetRegistry } from '../targets/target.ts';
import { benchmarkPaths, benchmarksDir } from './benchmarkPaths.ts';
import { collectSuite } from './collectSuite.ts';
import { describeEnvironment } from './environment.ts';
import { formatBanner } from './formatBanner.ts';
import { buildSuiteReport } from './suiteReport.ts';
import { shortPath, writeReports } from './writeReports.ts';

export interface BenchReporterOptions {
  /** default: tmp/benchmarks in the repo (TASKER_TMP_DIR moves tmp/) */
  outputDir?: string;
  registry?: TargetRegistry;
  env?: NodeJS.ProcessEnv;
}

export class BenchReporter implements Reporter {
  private vitest: Vitest | undefined;
  private baseline: BaselineRun | undefined;
  private readonly outputDir: string;
  private readonly registry: TargetRegistry;
  private readonly env: NodeJS.ProcessEnv;

  constructor({ outputDir, registry = targetRegistry, env = process.env }: BenchReporterOptions = {}) {
    this.outputDir = outputDir ?? benchmarksDir();
    this.registry = registry;
    this.env = env;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
    const name = this.env.TASKER_BASELINE?.trim();
    if (!name) return;
    try {
      this.baseline = loadBaseline(this.baselineDir(), name);
    } catch (error) {
      // fail the run up front; the benches still run so their own reports are written
      this.print(`❌ ${error instanceof BaselineError ? error.message : String(error)}`, 'error');
      failRun();
    }
  }

  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    _errors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    const benchModules = modules.filter((m) => m.project.config.benchmark?.enabled);
    if (benchModules.length === 0) return;
    const root = repoRoot();
    const suites = benchModules.map((m) => collectSuite(m, root));
    const env = describeEnvironment({
      provided: providedDatabase(benchModules, this.vitest),
      profile: profileName(this.env),
      moduleRunner: this.vitest?.config.experimental?.viteModuleRunner === false ? 'native' : 'vite',
    });
    const reports = suites.map((suite) => buildSuiteReport(suite, this.registry));
    const written = writeReports(this.outputDir, reports, env);
    for (const report of reports) {
      const suite = report.result.suite;
      const log = written.logs[suite];
      const json = written.json[suite];
      this.print(
        `\n${formatBanner(report, {
          ...(log ? { log: shortPath(log, root) } : {}),
          ...(json ? { json: shortPath(json, root) } : {}),
          ...(env.floor ? { floor: env.floor } : {}),
        })}`,
      );
    }
    this.print(`\nSummary of the run: ${shortPath(written.summary, root)}`);
    this.print(
      `latest/: ${written.latestAs === 'symlink' ? 'symlinks to the dated logs' : 'copies of the dated logs (this file system refused a symlink)'}`,
    );
    // raw samples for the HTML report and bench:ci, and one history line per bench
    const kept = recordRun(this.outputDir, suites, env, this.env, this.registry);
    this.print(`History: ${kept.lines} lines appended to ${shortPath(kept.history, root)}`);
    if (written.plans.length > 0)
      this.print(`Query plans: ${written.plans.map((f) => shortPath(f, root)).join(', ')}`);

    const figures = runFigures(suites, this.registry);
    const saveAs = this.env.TASKER_SAVE_BASELINE?.trim();
    if (saveAs) {
      const file = saveBaseline(this.baselineDir(), {
        format: BASELINE_FORMAT,
        name: saveAs,
        savedAt: env.timestamp,
        environment: env,
        figures,
      });
      this.print(
        `Baseline "${saveAs}" saved: ${shortPath(file, root)} (${Object.keys(figures).length} figures)`,
      );
    }
    const failOnRegression = ['1', 'true'].includes(this.env.TASKER_FAIL_ON_REGRESSION ?? '');
    if (this.baseline) {
      const rows = compareRun(this.baseline, figures, this.registry);
      const table = formatBaselineTable(this.baseline.name, rows);
      this.print(`\n${table}`);
      const regressed = rows.filter((r) => r.comparison?.verdict === 'regressed');
      writeBaselineVerdict(
        this.outputDir,
        this.baseline.name,
        table,
        regressed.map((r) => r.key),
      );
      if (regressed.length > 0 && failOnRegression) {
        this.print(
          `❌ ${regressed.length} regressed against "${this.baseline.name}": ${regressed.map((r) => r.key).join(', ')}`,
          'error',
        );
        process.exitCode = 1;
      }
    } else if (failOnRegression && !this.env.TASKER_BASELINE) {
      this.print('⚠️ --fail-on-regression without --baseline <name>: nothing to compare against', 'error');
    }
  }

  private baselineDir(): string {
    return benchmarkPaths(this.outputDir, this.env).baselines;
  }

  private print(text: string, level: 'log' | 'error' = 'log'): void {
    const logger = this.vitest?.logger;
    if (!logger) {
      (level === 'error' ? console.error : console.log)(text);
      return;
    }
    if (level === 'error') logger.error(text);
    else logger.log(text);
  }
}

/**
 * Asks for a non-zero exit when Vitest itself is run directly. Vitest decides its exit code from
 * test outcomes, so the dependable path is scripts/bench.ts (`pnpm bench --fail-on-regression`),
 * which reads the verdict this reporter writes to latest/baseline.json.
 */
function failRun(): void {
  process.exitCode = 1;
  process.once('exit', () => {
    process.exitCode = 1;
  });
}

function providedDatabase(
  modules: ReadonlyArray<TestModule>,
  vitest: Vitest | undefined,
): ProvisionedDatabase | undefined {
  for (const m of modules) {
    const provided = m.project.getProvidedContext().tasker;
    if (provided) return provided;
  }
  return vitest?.getProvidedContext().tasker;
}

function profileName(env: NodeJS.ProcessEnv): string {
  try {
    return activeProfile(env);
  } catch {
    return env.TASKER_BENCH_PROFILE ?? 'quick';
  }
}

export default BenchReporter;
