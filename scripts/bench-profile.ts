/**
 * `pnpm bench:profile <filter…> [--heap] [--db] [--project <name>]`
 *
 * Runs the matching benches with the V8 CPU profiler and writes `.cpuprofile` files (Chrome
 * DevTools → Performance → Load profile, or https://www.speedscope.app) under
 * tmp/benchmarks/profiles/<stamp>/, then prints where each bench worker's time went (idle = waiting
 * for PostgreSQL, pg driver, serialization, http, harness, tasker code; src/profile).
 *
 * How: Vitest 5 runs each bench file in a forked child process (pool `forks`) started with its
 * project's `execArgv`; its fork entry sees `--cpu-prof` in process.execArgv and then exits on
 * SIGTERM through process.exit, which is what lets V8 write the profile. The CLI's `--execArgv`
 * only reaches the root config, not the bench projects, so scripts/vitest.profile.config.ts sets
 * it on each project. NODE_OPTIONS would profile the main process too and hide the flag from that
 * check (forks would die on SIGTERM without writing), so it is not used. `--heap`
 * adds `--heap-prof` (a sampling heap profile, .heapprofile, same viewers). One file at a time
 * (`--no-file-parallelism`), so profiles do not compete for the CPU.
 *
 * `--db` adds the database's side (bench-kit src/profile/dbProfile.ts): TASKER_DB_PROFILE tells the
 * global setup to turn on pg_stat_statements (track = all) and auto_explain and to sample
 * pg_stat_activity's wait events, and at teardown to write db-profile.md and db-profile.json into
 * the same directory; the markdown is printed after the CPU summaries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  formatProfileSummary,
  readCpuProfile,
  summarizeProfile,
} from '../packages/bench-kit/src/profile/summarizeProfile.ts';
import { repoRoot, repoTmpDir } from '../packages/bench-kit/src/provision/paths.ts';

const args = process.argv.slice(2);
const heap = args.includes('--heap');
const db = args.includes('--db');
const rest = args.filter((a) => a !== '--heap' && a !== '--db');
if (rest.filter((a) => !a.startsWith('-')).length === 0 && !rest.includes('-t')) {
  console.error(
    'usage: pnpm bench:profile <file filter…> [-t "<bench name>"] [--project <name>] [--heap] [--db]',
  );
  process.exit(2);
}
const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
const dir = join(repoTmpDir(), 'benchmarks', 'profiles', stamp);
mkdirSync(dir, { recursive: true });
const execArgv = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500'];
if (heap) execArgv.push('--heap-prof', `--heap-prof-dir=${dir}`);

const result = spawnSync(
  'node',
  ['scripts/bench.ts', ...rest, '--no-file-parallelism', '--config', 'scripts/vitest.profile.config.ts'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      TASKER_PROFILE_EXEC_ARGV: JSON.stringify(execArgv),
      ...(db ? { TASKER_DB_PROFILE: dir } : {}),
    },
  },
);

const files = readdirSync(dir).sort();
const profiles = files.filter((f) => f.endsWith('.cpuprofile'));
console.log(
  `\n${profiles.length} CPU profile(s)${heap ? ` and ${files.filter((f) => f.endsWith('.heapprofile')).length} heap profile(s)` : ''} in ${relative(repoRoot(), dir)}/`,
);
// the biggest first: the workers that ran benches; an idle fork's profile is tiny
for (const f of profiles.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)) {
  console.log(`\n${formatProfileSummary(f, summarizeProfile(readCpuProfile(join(dir, f))))}`);
}
if (profiles.length === 0) console.error('⚠️ no .cpuprofile was written: did any bench match the filter?');
if (db) {
  const markdown = join(dir, 'db-profile.md');
  if (existsSync(markdown)) {
    console.log(`\n${readFileSync(markdown, 'utf8')}`);
    console.log(`database profile: ${relative(repoRoot(), markdown)} (data: db-profile.json)`);
  } else console.error('⚠️ --db: no db-profile.md was written (see the ❌ lines above)');
}
process.exit(result.status ?? 1);
