/**
 * `pnpm bench:ab --base <git-ref> [--rounds 3] [--threshold 0.05] [--fail-on-regression] [vitest filters…]`
 *
 * Compares this checkout (head) with another ref (base) on the same machine and the same database
 * server, interleaved: base, head, base, head, … — each a separate `vitest bench` run — so drift of
 * a noisy CI runner hits both sides alike. Steps:
 *
 *   1. `git worktree add` the base ref under tmp/ab/, `pnpm install --frozen-lockfile` there
 *   2. start one database server (DATABASE_URL when set, else what the harness would choose) and
 *      hand it to both sides as DATABASE_URL + TASKER_DB=url
 *   3. each round runs each side's own `scripts/bench.ts` with TASKER_SAVE_BASELINE, so every
 *      figure of the round (latency samples, throughput, growth, bytes, values) comes back through
 *      the baseline file both sides' harnesses already write (a base from before baseline format 2
 *      hands back its latency samples only: its other figures are listed as new in head)
 *   4. per figure: head/base ratio, its 95% interval, the test that decided and a verdict in the
 *      figure's better direction (src/ab/abCompare.ts: bootstrap of pooled samples for latency,
 *      Welch's t over the rounds for figures with one value per round)
 *      → printed, and written to tmp/benchmarks/ab/ab.md and ab.json
 *
 * --fail-on-regression (or its old name --fail-on-slower) exits 1 when any figure regressed.
 *
 * The worktree, the server and any running child are removed at the end, on failure and on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  activeProfile,
  addWorktree,
  benchmarkPaths,
  benchmarksDir,
  buildPrComment,
  chooseProvider,
  compareAb,
  type DatabaseServer,
  DEFAULT_AB_THRESHOLD,
  formatAbTable,
  loadBaseline,
  missedTargets,
  onInterrupt,
  type RoundFigures,
  readCiReports,
  repoRoot,
  repoTmpDir,
  resolveCommit,
  startDatabaseServer,
  type Worktree,
} from '@tasker/bench-kit/node';

const usage =
  'usage: pnpm bench:ab --base <git-ref> [--rounds N] [--threshold 0.05] [--fail-on-regression] [vitest filters…]';
const args = process.argv.slice(2);
let baseRef: string | undefined;
let rounds = 3;
let threshold = DEFAULT_AB_THRESHOLD;
let failOnRegression = false;
const filters: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
  const next = () => {
    const value = inline ?? args[++i];
    if (value === undefined) fail(`${flag} needs a value\n${usage}`, 2);
    return value;
  };
  if (flag === '--base') baseRef = next();
  else if (flag === '--rounds') rounds = Number(next());
  else if (flag === '--threshold') threshold = Number(next());
  else if (flag === '--fail-on-regression' || flag === '--fail-on-slower') failOnRegression = true;
  else if (flag === '--help' || flag === '-h') fail(usage, 0);
  else filters.push(arg);
}
if (!baseRef) fail(`--base is required\n${usage}`, 2);
if (!Number.isInteger(rounds) || rounds < 1) fail('--rounds must be a whole number ≥ 1', 2);
if (!(threshold >= 0)) fail('--threshold must be a fraction ≥ 0, e.g. 0.05', 2);

const root = repoRoot().replace(/\/$/, '');
/** the base worktree and each round's own tmp directory (its reports in <round>/benchmarks/) */
const abDir = join(repoTmpDir(), 'ab');
const paths = benchmarkPaths(benchmarksDir());
const profile = activeProfile();
let worktree: Worktree | undefined;
let server: DatabaseServer | undefined;
let child: ChildProcess | undefined;

async function cleanup(): Promise<void> {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  await server?.stop().catch(() => undefined);
  server = undefined;
  worktree?.remove();
}
const unregister = onInterrupt(cleanup);

try {
  const headCommit = resolveCommit(root, 'HEAD');
  console.log(`bench:ab — base ${baseRef}, head ${headCommit.slice(0, 12)} (working tree), ${rounds} rounds`);
  worktree = addWorktree(root, baseRef, abDir);
  console.log(`base worktree: ${worktree.dir} (${worktree.commit.slice(0, 12)}); installing…`);
  // the pnpm the base pins (its packageManager; pmOnFail: error makes any other version fail)
  const { packageManager: basePnpm = 'pnpm@12' } = JSON.parse(
    readFileSync(join(worktree.dir, 'package.json'), 'utf8'),
  ) as { packageManager?: string };
  const install = await run(
    'npx',
    ['-y', basePnpm, 'install', '--frozen-lockfile'],
    worktree.dir,
    process.env,
  );
  if (install !== 0) throw new Error(`pnpm install in the base worktree exited ${install}`);

  server = await startDatabaseServer(chooseProvider());
  console.log(`database for both sides: ${server.description}`);
  const shared = { DATABASE_URL: server.adminUrl, TASKER_DB: 'url' };

  const sides = [
    { label: 'base', dir: worktree.dir, rounds: [] as RoundFigures[] },
    { label: 'head', dir: root, rounds: [] as RoundFigures[] },
  ];
  for (let round = 1; round <= rounds; round++) {
    for (const side of sides) {
      const tmp = roundDir(side.label, round);
      rmSync(tmp, { recursive: true, force: true });
      console.log(`\n── round ${round}/${rounds}: ${side.label} ──`);
      const status = await run('node', ['scripts/bench.ts', ...filters], side.dir, {
        ...process.env,
        ...shared,
        PATH: `${join(side.dir, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
        TASKER_TMP_DIR: tmp,
        TASKER_SAVE_BASELINE: 'ab',
        TASKER_BENCH_HISTORY: join(tmp, 'history.jsonl'),
        TASKER_BENCH_PROFILE: profile,
      });
      // the base may be a commit from before baseline format 2: read its latency samples then
      const baseline = loadBaseline(benchmarkPaths(benchmarksDir(tmp)).baselines, 'ab', {
        legacy: 'latency-only',
      });
      if (status !== 0)
        console.warn(`⚠️ ${side.label} round ${round} exited ${status}; using the samples it kept`);
      side.rounds.push(baseline.figures);
    }
  }

  const [base, head] = sides as [(typeof sides)[0], (typeof sides)[0]];
  const result = compareAb(base.rounds, head.rounds, { threshold });
  const markdown = formatAbTable(result, {
    base: `${baseRef} (${worktree.commit.slice(0, 12)})`,
    head: headCommit.slice(0, 12),
    rounds,
  });
  mkdirSync(paths.ab, { recursive: true });
  writeFileSync(paths.abTable, `${markdown}\n`);
  writeFileSync(
    paths.abJson,
    `${JSON.stringify({ base: { ref: baseRef, commit: worktree.commit }, head: headCommit, rounds, threshold, ...result }, null, 2)}\n`,
  );
  // the PR comment: the A/B table, and the targets the head's last round missed
  const headReports = readCiReports(benchmarksDir(roundDir('head', rounds)));
  const regressedCount = result.rows.filter((r) => r.verdict === 'regressed').length;
  writeFileSync(
    paths.prComment,
    buildPrComment({
      title:
        regressedCount > 0
          ? `Benchmarks: ${regressedCount} regressed against ${baseRef}`
          : `Benchmarks against ${baseRef}`,
      context: `Head \`${headCommit.slice(0, 12)}\` vs base \`${worktree.commit.slice(0, 12)}\` · ${rounds} interleaved rounds on one runner and one database · profile ${profile}`,
      comparison: markdown,
      missed: missedTargets(headReports),
      reports: headReports,
    }),
  );
  console.log(`\n${markdown}\n\nwritten: ${paths.abTable}, ${paths.prComment}`);
  process.exitCode = failOnRegression && regressedCount > 0 ? 1 : 0;
} catch (error) {
  console.error(`❌ bench:ab: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  unregister();
  await cleanup();
}

/** The tmp directory (TASKER_TMP_DIR) of one side's round. */
function roundDir(side: string, round: number): string {
  return join(abDir, 'runs', `${side}-${round}`);
}

/** Runs a child with inherited output; resolves its exit code. */
function run(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    child = spawn(command, argv, { cwd, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function fail(message: string, code: number): never {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}
