/**
 * `pnpm bench:profile <filter…> [-t "<bench name>"] [--project <name>] [--heap] [--db] [--base <git-ref>]`
 *
 * Runs the matching benches with the V8 CPU profiler in every process they start and writes one
 * `.cpuprofile` per process (Chrome DevTools → Performance → Load profile, or
 * https://www.speedscope.app) under tmp/benchmarks/profiles/<stamp>/<bench>/, named after the
 * process: `bench.<pid>` (the Vitest fork that ran the file; `.thread-<tid>` for its worker
 * threads), `orchestration-1.<pid>`, `worker-2.<pid>`, … (cluster-mode children). Then it writes
 * summary.md — per profile, self time by category (idle = waiting for PostgreSQL, pg driver,
 * serialization, http, harness, tasker code) and the top functions — and prints it.
 *
 * How: Vitest 5 runs each bench file in a forked child process (pool `forks`), each project's
 * with its `execArgv` and setup files, which scripts/vitest.profile.config.ts sets on every project
 * (the CLI's `--execArgv` only reaches the root config, not the bench projects):
 * - the fork's main thread is profiled from inside (scripts/vitest.profile.setup.ts: the inspector,
 *   written in the file's last afterAll). V8's `--cpu-prof` writes at exit, and Vitest SIGKILLs a
 *   fork 500 ms after its SIGTERM: a long bench's exit-time profile often did not make it.
 * - `--cpu-prof` in the forks' execArgv still profiles their worker threads (written when each
 *   thread ends); the fork's own exit-time profile, when it makes it, is dropped for the one above.
 *   With `--cpu-prof` in execArgv the fork entry exits on SIGTERM through process.exit. NODE_OPTIONS
 *   is not used: it would profile Vitest's main process too.
 * - the cluster children get the flags from TASKER_CHILD_PROFILE (e2e's spawnService adds them,
 *   naming each profile after its role and runner); the services exit through process.exit on
 *   SIGTERM and get 10 s to do it, so V8's exit-time profile is written.
 * src/profile/profileLayout.ts files every profile under its bench. `--heap` adds a sampling heap
 * profile of each fork's main thread (.heapprofile, same viewers). One file at a time
 * (`--no-file-parallelism`), so profiles do not compete for the CPU.
 *
 * `--db` adds the database's side (bench-kit src/profile/dbProfile.ts): TASKER_DB_PROFILE tells the
 * global setup to turn on pg_stat_statements (track = all) and auto_explain and to sample
 * pg_stat_activity's wait events, and at teardown to write db-profile.md and db-profile.json into
 * the same directory; the markdown is printed after the CPU summaries.
 *
 * `--base <ref>` profiles the same benches at another commit too, as `bench:ab` does (a worktree of
 * it under tmp/ab/, installed with its own pnpm; removed at the end, on failure and on Ctrl-C):
 * base first, then this working tree, into <stamp>/base/ and <stamp>/head/, and writes
 * <stamp>/comparison.md and comparison.json: per bench, the functions whose share of sampled time
 * changed most (src/profile/compareProfiles.ts), over the processes both sides profiled (a base
 * from before this script profiled the cluster children has bench processes only). The exit code
 * is the head run's: a base whose benches fail still leaves the profiles it wrote.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import {
  addWorktree,
  aggregateSelfTime,
  arrangeProfiles,
  benchmarkPaths,
  compareSelfTime,
  formatProfileComparison,
  formatProfileSummary,
  onInterrupt,
  type ProfileComparison,
  profileRole,
  readCpuProfile,
  repoRoot,
  repoTmpDir,
  resolveCommit,
  summarizeProfile,
  type Worktree,
} from '@tasker/bench-kit/node';

const PROFILE_INTERVAL_US = 500;
const PROFILE_CONFIG = 'scripts/vitest.profile.config.ts';
/** the profile config and its setup file: the base side runs this checkout's (see below) */
const PROFILE_FILES = [PROFILE_CONFIG, 'scripts/vitest.profile.setup.ts'];
const usage =
  'usage: pnpm bench:profile <file filter…> [-t "<bench name>"] [--project <name>] [--heap] [--db] [--base <git-ref>]';

const args = process.argv.slice(2);
let heap = false;
let db = false;
let baseRef: string | undefined;
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  if (arg === '--heap') heap = true;
  else if (arg === '--db') db = true;
  else if (arg === '--base') baseRef = args[++i];
  else if (arg.startsWith('--base=')) baseRef = arg.slice('--base='.length);
  else rest.push(arg);
}
if ((rest.filter((a) => !a.startsWith('-')).length === 0 && !rest.includes('-t')) || baseRef === '') {
  console.error(usage);
  process.exit(2);
}

const root = repoRoot().replace(/\/$/, '');
const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
const dir = benchmarkPaths().profiles(stamp);
let worktree: Worktree | undefined;
let child: ChildProcess | undefined;

const cleanup = () => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  worktree?.remove();
};
const unregister = onInterrupt(cleanup);

type Side = { label: 'base' | 'head'; checkout: string; commit: string; out: string };

try {
  const head: Side = {
    label: 'head',
    checkout: root,
    commit: resolveCommit(root, 'HEAD'),
    out: baseRef ? join(dir, 'head') : dir,
  };
  const sides: Side[] = [head];
  if (baseRef) {
    worktree = addWorktree(root, baseRef, join(repoTmpDir(), 'ab'));
    console.log(
      `bench:profile — base ${baseRef} (${worktree.commit.slice(0, 12)}) in ${worktree.dir}; installing…`,
    );
    const { packageManager = 'pnpm@12' } = JSON.parse(
      readFileSync(join(worktree.dir, 'package.json'), 'utf8'),
    ) as {
      packageManager?: string;
    };
    const install = await run(
      'npx',
      ['-y', packageManager, 'install', '--frozen-lockfile'],
      worktree.dir,
      process.env,
    );
    if (install !== 0) throw new Error(`pnpm install in the base worktree exited ${install}`);
    // profiled the same way on both sides: this checkout's profile config and setup file (they read
    // only the base's own root config), whatever the base's own are or whether it has them
    for (const file of PROFILE_FILES) copyFileSync(join(root, file), join(worktree.dir, file));
    sides.unshift({ label: 'base', checkout: worktree.dir, commit: worktree.commit, out: join(dir, 'base') });
  }

  // the exit code is the head's: a base whose benches fail (or predate a filter) still leaves what it wrote
  let headStatus = 0;
  for (const side of sides) {
    if (baseRef) console.log(`\n── ${side.label}: ${side.commit.slice(0, 12)} ──`);
    const status = await profileSide(side);
    if (status !== 0) console.warn(`⚠️ the ${side.label} run exited ${status}; using the profiles it wrote`);
    if (side.label === 'head') headStatus = status;
  }
  if (baseRef && worktree) writeComparison(sides[0] as Side, head, baseRef);
  process.exitCode = headStatus === 0 ? 0 : 1;
} catch (error) {
  console.error(`❌ bench:profile: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  unregister();
  cleanup();
}

/** Runs the benches of one checkout under the profiler, files and summarises the profiles. */
async function profileSide(side: Side): Promise<number> {
  mkdirSync(side.out, { recursive: true });
  const cpu = ['--cpu-prof', `--cpu-prof-dir=${side.out}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`];
  const status = await run(
    'node',
    ['scripts/bench.ts', ...rest, '--no-file-parallelism', '--config', PROFILE_CONFIG],
    side.checkout,
    {
      ...process.env,
      PATH: `${join(side.checkout, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      // the forks: their worker threads (and an exit-time profile of each, dropped for the one below)
      TASKER_PROFILE_EXEC_ARGV: JSON.stringify(cpu),
      // each fork's main thread, from inside (scripts/vitest.profile.setup.ts)
      TASKER_PROFILE_DIR: side.out,
      TASKER_PROFILE_INTERVAL_US: String(PROFILE_INTERVAL_US),
      ...(heap ? { TASKER_PROFILE_HEAP: '1' } : {}),
      TASKER_CHILD_PROFILE: JSON.stringify(cpu),
      ...(db ? { TASKER_DB_PROFILE: side.out } : {}),
    },
  );

  const profiles = arrangeProfiles(side.out).filter((f) => f.endsWith('.cpuprofile'));
  const heapCount = readdirSync(side.out, { recursive: true }).filter((f) =>
    String(f).endsWith('.heapprofile'),
  ).length;
  const sections = [...groupByBench(profiles)].map(([bench, files]) => {
    // the biggest first: the processes that did the work; an idle fork's profile is tiny
    const sorted = files.sort((a, b) => statSync(join(side.out, b)).size - statSync(join(side.out, a)).size);
    const blocks = sorted.map((f) =>
      formatProfileSummary(f, summarizeProfile(readCpuProfile(join(side.out, f)))),
    );
    return `## ${bench}\n\n${blocks.map((b) => `\`\`\`\n${b}\n\`\`\``).join('\n\n')}`;
  });
  const title = `# CPU profiles: ${side.label} ${side.commit.slice(0, 12)}${side.label === 'head' ? ' (working tree)' : ''}`;
  writeFileSync(join(side.out, 'summary.md'), `${[title, ...sections].join('\n\n')}\n`);
  console.log(`\n${[title, ...sections].join('\n\n')}`);
  console.log(
    `\n${profiles.length} CPU profile(s)${heap ? ` and ${heapCount} heap profile(s)` : ''} in ${relative(root, side.out)}/ (summary.md)`,
  );
  if (profiles.length === 0) console.error('⚠️ no .cpuprofile was written: did any bench match the filter?');
  if (db) {
    const markdown = join(side.out, 'db-profile.md');
    if (existsSync(markdown)) {
      console.log(`\n${readFileSync(markdown, 'utf8')}`);
      console.log(`database profile: ${relative(root, markdown)} (data: db-profile.json)`);
    } else console.error('⚠️ --db: no db-profile.md was written (see the ❌ lines above)');
  }
  return status;
}

function groupByBench(paths: readonly string[]): Map<string, string[]> {
  const byBench = new Map<string, string[]>();
  for (const path of paths) {
    const bench = path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
    byBench.set(bench, [...(byBench.get(bench) ?? []), path]);
  }
  return byBench;
}

/** comparison.md / .json: per bench, base against head over the roles both sides profiled. */
function writeComparison(base: Side, head: Side, ref: string): void {
  const cpuProfiles = (side: Side) =>
    groupByBench(
      readdirSync(side.out, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.cpuprofile')),
    );
  const baseBenches = cpuProfiles(base);
  const headBenches = cpuProfiles(head);
  // a fork that ran no bench file (no-bench/) has nothing to compare
  const benches = [...new Set([...baseBenches.keys(), ...headBenches.keys()])]
    .filter((b) => b !== 'no-bench')
    .sort();
  const report: { bench: string; roles: string[]; leftOut: string[]; comparison?: ProfileComparison }[] = [];
  const markdown = [
    `# CPU profiles compared: base ${ref} (${base.commit.slice(0, 12)}) → head ${head.commit.slice(0, 12)} (working tree)`,
    '',
    "Self time per function (name and script) summed over each side's profiles of the bench, as a share of that " +
      "side's total sampled time (all its profiles, idle included), ranked by the change of share; milliseconds " +
      'in brackets. (idle) is not ranked: its share is in the totals line.',
  ];
  for (const bench of benches) {
    const b = baseBenches.get(bench) ?? [];
    const h = headBenches.get(bench) ?? [];
    const baseRoles = new Set(b.map(profileRole));
    const headRoles = new Set(h.map(profileRole));
    const roles = [...baseRoles].filter((r) => headRoles.has(r)).sort();
    const leftOut = [
      ...[...baseRoles].filter((r) => !headRoles.has(r)).map((r) => `${r} (base only)`),
      ...[...headRoles].filter((r) => !baseRoles.has(r)).map((r) => `${r} (head only)`),
    ].sort();
    markdown.push('', `## ${bench}`, '');
    if (roles.length === 0) {
      markdown.push(`Not compared: no process profiled on both sides (${leftOut.join(', ')}).`);
      report.push({ bench, roles, leftOut });
      continue;
    }
    const load = (side: Side, files: string[]) =>
      aggregateSelfTime(
        files.filter((f) => roles.includes(profileRole(f))).map((f) => readCpuProfile(join(side.out, f))),
      );
    const comparison = compareSelfTime(load(base, b), load(head, h));
    markdown.push(
      `Processes: ${roles.join(', ')}${leftOut.length ? `; left out: ${leftOut.join(', ')}` : ''}.`,
      '',
    );
    markdown.push(formatProfileComparison(comparison));
    report.push({ bench, roles, leftOut, comparison });
  }
  writeFileSync(join(dir, 'comparison.md'), `${markdown.join('\n')}\n`);
  writeFileSync(
    join(dir, 'comparison.json'),
    `${JSON.stringify({ base: { ref, commit: base.commit }, head: { commit: head.commit }, benches: report }, null, 2)}\n`,
  );
  console.log(
    `\n${markdown.join('\n')}\n\nwritten: ${relative(root, join(dir, 'comparison.md'))} (data: comparison.json)`,
  );
}

/** Runs a child with inherited output; resolves its exit code. */
function run(command: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    child = spawn(command, argv, { cwd, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
