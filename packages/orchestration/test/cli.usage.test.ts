/**
 * tasker-orchestration's command line, as a process: a bad value exits 2 (USAGE_EXIT_CODE) with one
 * line naming the flag or variable at fault — PORT when PORT supplied it — before any connection is
 * tried; --help exits 0.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { USAGE_EXIT_CODE } from '@tasker/shared';
import { expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// nothing listens there: a usage error must exit before any connection is tried
const UNREACHABLE = 'postgres://tasker@127.0.0.1:9/none';

async function runCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 15_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('a bad PORT from the environment exits 2 naming PORT, not --port', async () => {
  const result = await runCli(['--database-url', UNREACHABLE], { PORT: 'http' });
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(/^tasker-orchestration: PORT must be an integer from 0 to 65535, got "http"/);
  expect(result.stderr).not.toMatch(/--port must/);
});

test.each([
  [['--port', '65536'], /--port must be an integer from 0 to 65535, got "65536"/],
  [['--pool-size', 'NaN'], /--pool-size must be an integer >= 1, got "NaN"/],
  [['--pool-size=-3'], /--pool-size must be an integer >= 1, got "-3"/],
  [['--notify', 'never'], /--notify must be one of in_transaction, after_commit, got "never"/],
  [['--visibility-timeout', '0'], /--visibility-timeout must be an integer >= 1/],
])('%j exits 2 naming the flag', async (args, message) => {
  const result = await runCli(['--database-url', UNREACHABLE, ...args]);
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(message);
});

test('no database at all names --database-url and DATABASE_URL', async () => {
  const result = await runCli([]);
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(/--database-url \(or DATABASE_URL\) is required/);
});

test('--help prints every option and exits 0', async () => {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  for (const flag of ['--database-url', '--port', '--migrate', '--pool-size', '--notify', '--demo-templates'])
    expect(help.stdout).toContain(flag);
  expect(help.stdout).toMatch(/env PORT/);
});

test('a public --host without authentication exits 2 before connecting; --insecure-no-auth is the way round', async () => {
  const result = await runCli(['--database-url', UNREACHABLE, '--host', '0.0.0.0']);
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(
    /refusing to serve tasker-orchestration on 0\.0\.0\.0 without authentication/,
  );
  expect(result.stderr).toMatch(/--insecure-no-auth/);
});

test('an API key line holding the key instead of its hash exits 2 without printing it', async () => {
  const key = 'k3y-that-must-never-be-printed-0123456789abcdef';
  const result = await runCli(['--database-url', UNREACHABLE], { TASKER_API_KEYS: `ops ${key} read` });
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(
    /TASKER_API_KEYS \/ --api-keys, entry 1: the key must be given as sha256:<64 lowercase hex>/,
  );
  expect(`${result.stdout}${result.stderr}`).not.toContain(key);
});
