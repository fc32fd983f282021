/**
 * The provisioning lifecycle through real `vitest run` processes on a fixture project: an embedded
 * PostgreSQL is started, used and removed with nothing left behind — after a normal run and after
 * Ctrl-C — and a bad DATABASE_URL fails fast with a message that names the problem.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { processesMentioning } from './processesMentioning.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs');
const fixtureConfig = fileURLToPath(new URL('./fixtures/provision/vitest.config.ts', import.meta.url));

interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

const tmpDirs: string[] = [];
afterEach(() => {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-provision-'));
  // the embedded server runs as the `postgres` user when tests run as root
  chmodSync(dir, 0o755);
  tmpDirs.push(dir);
  return dir;
}

function startFixtureRun(
  env: Record<string, string>,
  mode: 'run' | 'bench' = 'run',
): { child: ChildProcess; done: Promise<RunResult> } {
  const { DATABASE_URL: _url, TASKER_DB: _db, ...inherited } = process.env;
  const started = performance.now();
  // own process group, so a signal reaches every process of the run as Ctrl-C in a terminal would
  const child = spawn(process.execPath, [vitestBin, mode, '--config', fixtureConfig], {
    cwd: repoRoot,
    env: { ...inherited, CI: 'true', ...env },
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
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => resolve({ code, output, ms: performance.now() - started }));
  });
  return { child, done };
}

function expectNothingLeft(tmpDir: string): void {
  const embeddedRoot = join(tmpDir, 'embedded-pg');
  expect(existsSync(embeddedRoot) ? readdirSync(embeddedRoot) : []).toEqual([]);
  expect(processesMentioning(tmpDir)).toEqual([]);
}

describe('embedded provider', () => {
  test('a run starts PostgreSQL, serves a cloned database, then leaves no process and no files', async () => {
    const tmpDir = newTmpDir();
    const { done } = startFixtureRun({ TASKER_DB: 'embedded', TASKER_TMP_DIR: tmpDir });
    const result = await done;
    expect(result.output).toContain('✅ PostgreSQL');
    // a template without PGMQ (the fixture's own) has no PGMQ line and meets every prerequisite
    expect(result.output).not.toMatch(/[✅❌] PGMQ/);
    expect(result.output).toContain('All prerequisites met');
    expect(result.output).toMatch(/1 passed/);
    expect(result.code).toBe(0);
    // no "close timed out … something prevents Vite server from exiting"
    expect(result.output).not.toMatch(/close timed out/i);
    expectNothingLeft(tmpDir);
  }, 120_000);

  test('a run whose test fails exits non-zero (the embedded server does not mask the exit code)', async () => {
    const tmpDir = newTmpDir();
    const { done } = startFixtureRun({ TASKER_DB: 'embedded', TASKER_TMP_DIR: tmpDir, FIXTURE_FAIL: '1' });
    const result = await done;
    expect(result.output).toMatch(/1 failed/);
    expect(result.code).toBe(1);
    expectNothingLeft(tmpDir);
  }, 120_000);

  test('Ctrl-C (SIGINT to the process group) mid-run still removes the server and its data', async () => {
    const tmpDir = newTmpDir();
    const readyFile = join(tmpDir, 'ready');
    const { child, done } = startFixtureRun({
      TASKER_DB: 'embedded',
      TASKER_TMP_DIR: tmpDir,
      FIXTURE_READY_FILE: readyFile,
    });
    for (let waited = 0; !existsSync(readyFile) && waited < 90_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(existsSync(readyFile)).toBe(true);
    expect(processesMentioning(tmpDir).length).toBeGreaterThan(0);
    process.kill(-(child.pid as number), 'SIGINT');
    const result = await done;
    expect(result.code).not.toBe(0);
    expectNothingLeft(tmpDir);
  }, 150_000);
});

describe('url provider', () => {
  test('a bench run on an existing server drops its databases, and the rows its bench left in them', async () => {
    // the existing server: this run's own; the child run makes databases of its own run id on it
    const { adminUrl } = inject('tasker');
    const databases = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ datname: string }>(
          'select datname from pg_database order by 1',
        );
        return rows.map((row) => row.datname);
      } finally {
        await client.end();
      }
    };
    const before = await databases();
    // its own tmp dir, so the fixture's reports do not mix with the real ones
    const { done } = startFixtureRun(
      { TASKER_DB: 'url', DATABASE_URL: adminUrl, TASKER_TMP_DIR: newTmpDir() },
      'bench',
    );
    const result = await done;
    expect(result.output).toMatch(/1 passed/);
    expect(result.code).toBe(0);
    expect(await databases()).toEqual(before);
  }, 120_000);

  test('a bad DATABASE_URL fails in under 10 s, names the problem and hides the password', async () => {
    const { done } = startFixtureRun({
      TASKER_DB: 'url',
      // port 1 on loopback: nothing listens there, the connection is refused at once
      DATABASE_URL: 'postgres://tasker:sekrit-pw@127.0.0.1:1/tasker',
    });
    const result = await done;
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('DATABASE_URL is set but the server refused the connection');
    expect(result.output).toContain('❌');
    expect(result.output).not.toContain('sekrit-pw');
    expect(result.ms).toBeLessThan(10_000);
  }, 30_000);
});
