/**
 * `pnpm bench:profile` profiles the cluster children too: with TASKER_CHILD_PROFILE set, a child
 * writes a CPU profile named after its runner, its role and its own pid when it stops (SIGTERM →
 * the service's process.exit); without it, none. The child here is a stand-in service that prints a
 * ready line (its Node flags) and exits on SIGTERM the way the CLIs do, so no database is needed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { spawnChildService } from '../src/system/childProcesses.ts';

let dir: string;
let script: string;
const saved = process.env.TASKER_CHILD_PROFILE;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tasker-child-profile-'));
  script = join(dir, 'service.mjs');
  writeFileSync(
    script,
    [
      "process.on('SIGTERM', () => process.exit(0));",
      'setInterval(() => {}, 1000);',
      "console.log('ready ' + JSON.stringify(process.execArgv));",
    ].join('\n'),
  );
});

afterEach(() => {
  if (saved === undefined) delete process.env.TASKER_CHILD_PROFILE;
  else process.env.TASKER_CHILD_PROFILE = saved;
  rmSync(dir, { recursive: true, force: true });
});

const spec = () => ({ role: 'worker 2', script, args: [], ready: /^ready (.*)$/ });

test('a child asked to profile writes <runner>.<role>.<pid>.cpuprofile when it stops', async () => {
  const out = join(dir, 'profiles');
  process.env.TASKER_CHILD_PROFILE = JSON.stringify(['--cpu-prof', `--cpu-prof-dir=${out}`]);
  const child = await spawnChildService(spec());
  expect(JSON.parse(child.readyValue)).toContain('--cpu-prof');
  await child.stop();

  const name = `runner-${process.pid}.worker-2.${child.pid}.cpuprofile`;
  expect(readdirSync(out)).toEqual([name]);
  const profile = JSON.parse(readFileSync(join(out, name), 'utf8')) as { nodes: unknown[]; endTime: number };
  expect(profile.nodes.length).toBeGreaterThan(1);
  expect(profile.endTime).toBeGreaterThan(0);
});

test('without TASKER_CHILD_PROFILE a child starts without a profiler', async () => {
  delete process.env.TASKER_CHILD_PROFILE;
  const child = await spawnChildService(spec());
  await child.stop();
  const execArgv = JSON.parse(child.readyValue) as string[];
  expect(execArgv).toContain('--expose-gc');
  expect(execArgv.filter((flag) => flag.startsWith('--cpu-prof'))).toEqual([]);
});
