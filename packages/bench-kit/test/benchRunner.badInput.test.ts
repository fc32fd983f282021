/**
 * `pnpm bench` (scripts/bench.ts → vitest bench) refuses bad input with a message that names the
 * problem and a non-zero exit — an unknown filter or project, a missing or corrupt baseline, a bad
 * DATABASE_URL — keeps passwords out of everything it prints and writes, and leaves nothing behind
 * when interrupted with Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { processesMentioning } from './processesMentioning.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const benchScript = join(repoRoot, 'scripts/bench.ts');

interface RunResult {
  code: number | null;
  output: string;
}

const tmpDirs: string[] = [];
afterEach(() => {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-bench-runner-'));
  // the embedded server runs as the `postgres` user when tests run as root
  chmodSync(dir, 0o755);
  tmpDirs.push(dir);
  return dir;
}

function startBench(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; done: Promise<RunResult> } {
  const { DATABASE_URL: _url, TASKER_DB: _db, ...inherited } = process.env;
  const child = spawn(process.execPath, [benchScript, ...args], {
    cwd: repoRoot,
    // as pnpm runs it: node_modules/.bin first, so `vitest` is the project's
    env: {
      ...inherited,
      CI: 'true',
      PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const done = new Promise<RunResult>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return { child, done };
}

const run = (args: string[], env: Record<string, string>) => startBench(args, env).done;

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, String(entry)))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

describe('pnpm bench refuses bad input', () => {
  test('an unknown bench file filter: exit 1, the filter named', async () => {
    const result = await run(['no_such_bench_file'], { TASKER_TMP_DIR: newTmpDir() });
    expect(result.code).toBe(1);
    expect(result.output).toContain('No test files found');
    expect(result.output).toContain('no_such_bench_file');
  }, 60_000);

  test('an unknown project: exit 1, the project named', async () => {
    const result = await run(['--project', 'no_such_package'], { TASKER_TMP_DIR: newTmpDir() });
    expect(result.code).toBe(1);
    expect(result.output).toContain('no_such_package');
  }, 60_000);

  test('a missing baseline: exit 1 before any bench runs, the file named', async () => {
    const tmp = newTmpDir();
    const result = await run(['--baseline', 'never_saved'], { TASKER_TMP_DIR: tmp });
    expect(result.code).toBe(1);
    expect(result.output).toContain('never_saved');
    expect(result.output).not.toContain('VERIFYING PREREQUISITES');
  }, 60_000);

  test('a corrupt baseline: exit 1, the file named, no bare stack trace', async () => {
    const tmp = newTmpDir();
    mkdirSync(join(tmp, 'benchmarks/baselines'), { recursive: true });
    writeFileSync(join(tmp, 'benchmarks/baselines/broken.json'), '{"suites": [ this is not json');
    const result = await run(['--baseline', 'broken'], { TASKER_TMP_DIR: tmp });
    expect(result.code).toBe(1);
    expect(result.output).toContain('broken.json');
    expect(result.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 60_000);

  test('a bad DATABASE_URL: exit 1 within seconds, the problem named, the password hidden', async () => {
    const result = await run(['pgmq'], {
      TASKER_TMP_DIR: newTmpDir(),
      TASKER_DB: 'url',
      DATABASE_URL: 'postgres://tasker:hunter2-secret@127.0.0.1:1/tasker',
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain('refused the connection');
    expect(result.output).not.toContain('hunter2-secret');
  }, 60_000);
});

describe('pnpm bench keeps secrets and cleans up', () => {
  test('a password in DATABASE_URL appears nowhere: not in the output, the logs, the JSON', async () => {
    // this run's own server, whose admin URL carries a password
    const { adminUrl } = inject('tasker');
    const password = decodeURIComponent(new URL(adminUrl).password);
    expect(password.length).toBeGreaterThan(4);
    const tmp = newTmpDir();
    const result = await run(['--project', 'shared', 'pgmq', '-t', 'round trip'], {
      TASKER_TMP_DIR: tmp,
      TASKER_DB: 'url',
      DATABASE_URL: adminUrl,
    });
    expect(result.code).toBe(0);
    const written = filesUnder(join(tmp, 'benchmarks'));
    expect(written.length).toBeGreaterThan(0);
    expect(result.output).not.toContain(password);
    for (const file of written) expect(file.text.includes(password), file.path).toBe(false);
  }, 120_000);

  test('Ctrl-C in the middle of a bench run leaves no server, process or data directory', async () => {
    const tmp = newTmpDir();
    const started = startBench(['--project', 'shared', 'sql_functions'], {
      TASKER_DB: 'embedded',
      TASKER_TMP_DIR: tmp,
    });
    const { child, done } = started;
    let exited = false;
    void done.then(() => {
      exited = true;
    });
    // in the middle: the embedded server is up and the first bench file has seeded its dataset
    // (the fixture prints "seeded …"), so a database, a pool and a bench are all live
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    for (let waited = 0; waited < 90_000 && !exited && !/seeded [\d,]+ tasks/.test(output); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(exited, `the bench run ended before it could be interrupted:\n${output}`).toBe(false);
    expect(output).toMatch(/seeded [\d,]+ tasks/);
    expect(processesMentioning(tmp).length).toBeGreaterThan(0);
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await done;
    expect(result.code).not.toBe(0);
    const embedded = join(tmp, 'embedded-pg');
    expect(existsSync(embedded) ? readdirSync(embedded) : []).toEqual([]);
    expect(processesMentioning(tmp)).toEqual([]);
  }, 120_000);
});
