/**
 * `pnpm bench [--save-baseline <name>] [--baseline <name>] [--fail-on-regression] [vitest args…]`
 *
 * Vitest's CLI rejects flags it does not know, so this wrapper turns ours into the environment
 * variables the bench reporter reads (TASKER_SAVE_BASELINE, TASKER_BASELINE,
 * TASKER_FAIL_ON_REGRESSION) and passes everything else to `vitest bench`. It also maps
 * `--project shared` to `--project "shared (bench)"`: Vitest 5 runs benches in a separate project
 * named "<name> (bench)", and the plain name would match nothing. A baseline that cannot be read
 * fails here, before any bench runs.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  BaselineError,
  benchmarkPaths,
  benchmarksDir,
  loadBaseline,
  readBaselineVerdict,
} from '@tasker/bench-kit/node';

const env: NodeJS.ProcessEnv = { ...process.env };
const passThrough: string[] = [];
const args = process.argv.slice(2);

function value(flag: string, i: number): string {
  const next = args[i + 1];
  if (next === undefined || next.startsWith('-')) {
    console.error(`${flag} needs a name, e.g. ${flag} main`);
    process.exit(2);
  }
  return next;
}

for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  const [flag, inline] =
    arg.startsWith('--') && arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
  if (flag === '--save-baseline') env.TASKER_SAVE_BASELINE = inline ?? value(flag, i++);
  else if (flag === '--baseline') env.TASKER_BASELINE = inline ?? value(flag, i++);
  else if (flag === '--fail-on-regression') env.TASKER_FAIL_ON_REGRESSION = '1';
  else if (flag === '--project') {
    const name = inline ?? value(flag, i++);
    passThrough.push('--project', /\(bench\)$|[*]/.test(name) ? name : `${name} (bench)`);
  } else passThrough.push(arg);
}

const outputDir = benchmarksDir();
const paths = benchmarkPaths(outputDir, env);
if (env.TASKER_BASELINE) {
  try {
    loadBaseline(paths.baselines, env.TASKER_BASELINE);
  } catch (error) {
    console.error(`❌ ${error instanceof BaselineError ? error.message : String(error)}`);
    process.exit(1);
  }
}

// a verdict left by an earlier run must not decide this one
rmSync(paths.baselineVerdict, { force: true });
const result = spawnSync('vitest', ['bench', ...passThrough], { stdio: 'inherit', env });
if (result.error) {
  console.error(
    `could not start vitest: ${result.error.message} (run through pnpm, which puts node_modules/.bin on PATH)`,
  );
  process.exit(1);
}
// Vitest decides its exit code from test outcomes, and a regression is not a failed test, so
// --fail-on-regression is decided here, from the verdict file the reporter wrote.
if (env.TASKER_FAIL_ON_REGRESSION === '1' && env.TASKER_BASELINE) {
  const verdict = readBaselineVerdict(outputDir);
  if (verdict === undefined) {
    console.error('❌ --fail-on-regression: the run left no baseline verdict (did the benches run?)');
    process.exit(1);
  }
  if (verdict.regressed.length > 0) process.exit(1);
}
process.exit(result.status ?? 1);
