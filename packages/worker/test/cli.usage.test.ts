/**
 * tasker-worker's command line, as a process: a bad value exits 2 (USAGE_EXIT_CODE) with one line
 * naming the flag or variable at fault, before any connection is tried; --help exits 0.
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

test.each([
  [['--pool-size', 'abc'], /--pool-size must be an integer >= 1, got "abc"/],
  [['--pool-size', '0'], /--pool-size must be an integer >= 1, got "0"/],
  [['--concurrency', '2.5'], /--concurrency must be an integer >= 1, got "2.5"/],
  [['--handler-threads', 'many'], /--handler-threads must be an integer >= 1/],
  [['--result-handoff', 'fast'], /--result-handoff must be one of queue, inline, got "fast"/],
  [['--no-such-flag'], /--no-such-flag/],
])('%j exits 2 naming the flag', async (args, message) => {
  const result = await runCli(['--namespaces', 'a', '--database-url', UNREACHABLE, ...args]);
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^tasker-worker: /);
});

test('a missing database names both the flag and DATABASE_URL; DATABASE_URL alone is accepted', async () => {
  const missing = await runCli(['--namespaces', 'a']);
  expect(missing.code).toBe(USAGE_EXIT_CODE);
  expect(missing.stderr).toMatch(/--database-url \(or DATABASE_URL\) is required/);
  // from the environment it parses, and fails later, on the connection: exit 1, not a usage error
  const fromEnv = await runCli(['--namespaces', 'a'], { DATABASE_URL: UNREACHABLE });
  expect(fromEnv.code).toBe(1);
  expect(fromEnv.stderr).toMatch(/ECONNREFUSED/);
});

test('--help prints every option and exits 0', async () => {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  for (const flag of ['--namespaces', '--database-url', '--pool-size', '--handler-threads', '--notify'])
    expect(help.stdout).toContain(flag);
});

test('a public --host for /health and /metrics (no authentication) exits 2 unless --insecure-no-auth', async () => {
  const result = await runCli(['--database-url', UNREACHABLE, '--namespaces', 'a', '--host', '0.0.0.0']);
  expect(result.code).toBe(USAGE_EXIT_CODE);
  expect(result.stderr).toMatch(/refusing to serve tasker-worker on 0\.0\.0\.0 without authentication/);
});
