import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import {
  arrangeProfiles,
  benchesInProfile,
  layoutProfiles,
  parseProfileName,
  profileRole,
} from './profileLayout.ts';
import type { CpuProfile } from './summarizeProfile.ts';

const frames = (...urls: string[]): CpuProfile => ({
  startTime: 0,
  endTime: 1,
  nodes: urls.map((url, i) => ({
    id: i + 1,
    callFrame: { functionName: 'f', url, lineNumber: 0, columnNumber: 0 },
  })),
});

test('names: a bench process (from inside, V8 default name), a thread, a heap profile, a cluster child', () => {
  expect(parseProfileName('fork.857.cpuprofile')).toEqual({
    kind: 'runner',
    source: 'inside',
    pid: 857,
    thread: 0,
    ext: 'cpuprofile',
  });
  expect(parseProfileName('CPU.20261202.065521.857.0.001.cpuprofile')).toEqual({
    kind: 'runner',
    source: 'exit',
    pid: 857,
    thread: 0,
    ext: 'cpuprofile',
  });
  expect(parseProfileName('Heap.20261202.065521.857.3.002.heapprofile')).toMatchObject({
    thread: 3,
    ext: 'heapprofile',
  });
  expect(parseProfileName('runner-857.orchestration-1.901.cpuprofile')).toEqual({
    kind: 'child',
    runnerPid: 857,
    role: 'orchestration-1',
    pid: 901,
    ext: 'cpuprofile',
  });
  expect(parseProfileName('db-profile.md')).toBeUndefined();
});

test('a bench process is named after the bench files among its frames', () => {
  expect(
    benchesInProfile(
      frames(
        'file:///r/packages/e2e/bench/e2e_latency.bench.ts?vitest=1796194796967',
        'file:///r/packages/e2e/src/system/startSystem.ts',
        'file:///r/packages/e2e/bench/e2e_latency.bench.ts',
      ),
    ),
  ).toEqual(['e2e_latency']);
  expect(benchesInProfile(frames('node:internal/timers'))).toEqual([]);
});

test('each profile goes under its bench, children under their runner’s', () => {
  const moves = layoutProfiles(
    [
      'fork.857.cpuprofile',
      'CPU.20261202.065521.857.0.001.cpuprofile',
      'CPU.20261202.065521.857.2.002.cpuprofile',
      'Heap.20261202.065521.857.0.003.heapprofile',
      'runner-857.orchestration-1.901.cpuprofile',
      'runner-857.worker-2.902.cpuprofile',
      'CPU.20261202.065530.860.0.001.cpuprofile',
      'runner-999.worker-1.903.cpuprofile',
      'db-profile.md',
    ],
    new Map([[857, 'e2e_latency']]),
  );
  expect(Object.fromEntries(moves)).toEqual({
    'fork.857.cpuprofile': 'e2e_latency/bench.857.cpuprofile',
    // the same thread's exit-time profile, when it made it before Vitest's SIGKILL: the one from inside is kept
    'CPU.20261202.065521.857.0.001.cpuprofile': null,
    'CPU.20261202.065521.857.2.002.cpuprofile': 'e2e_latency/bench.857.thread-2.cpuprofile',
    // no heap profile from inside for 857: the exit-time one is the only one
    'Heap.20261202.065521.857.0.003.heapprofile': 'e2e_latency/bench.857.heapprofile',
    'runner-857.orchestration-1.901.cpuprofile': 'e2e_latency/orchestration-1.901.cpuprofile',
    'runner-857.worker-2.902.cpuprofile': 'e2e_latency/worker-2.902.cpuprofile',
    'CPU.20261202.065530.860.0.001.cpuprofile': 'no-bench/bench.860.cpuprofile',
    'runner-999.worker-1.903.cpuprofile': 'unattributed/worker-1.903.cpuprofile',
  });
});

test('roles without their numbers, for matching base and head', () => {
  expect(profileRole('e2e_latency/orchestration-1.901.cpuprofile')).toBe('orchestration');
  expect(profileRole('e2e_latency/worker-12.902.cpuprofile')).toBe('worker');
  expect(profileRole('e2e_latency/bench.857.cpuprofile')).toBe('bench');
  expect(profileRole('handler_overhead/bench.857.thread-2.cpuprofile')).toBe('bench-thread');
});

test('arrangeProfiles moves the files of a directory into that layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-profile-layout-'));
  try {
    const bench = frames('file:///r/packages/worker/bench/worker_execution.bench.ts');
    const inside = frames('file:///r/packages/worker/bench/worker_execution.bench.ts', 'file:///r/inside.ts');
    writeFileSync(join(dir, 'fork.41.cpuprofile'), JSON.stringify(inside));
    writeFileSync(join(dir, 'CPU.20261202.065521.41.0.001.cpuprofile'), JSON.stringify(bench));
    writeFileSync(join(dir, 'runner-41.worker-1.42.cpuprofile'), JSON.stringify(frames('node:net')));
    // a fork that ran no bench file keeps the children it started
    writeFileSync(
      join(dir, 'CPU.20261202.065530.50.0.001.cpuprofile'),
      JSON.stringify(frames('node:timers')),
    );
    writeFileSync(join(dir, 'runner-50.orchestration-1.51.cpuprofile'), JSON.stringify(frames('node:net')));
    writeFileSync(join(dir, 'db-profile.md'), '# db');
    expect(arrangeProfiles(dir)).toEqual([
      'no-bench/bench.50.cpuprofile',
      'no-bench/orchestration-1.51.cpuprofile',
      'worker_execution/bench.41.cpuprofile',
      'worker_execution/worker-1.42.cpuprofile',
    ]);
    expect(readdirSync(dir).sort()).toEqual(['db-profile.md', 'no-bench', 'worker_execution']);
    // the profile from inside is the one kept
    expect(readFileSync(join(dir, 'worker_execution/bench.41.cpuprofile'), 'utf8')).toContain('inside.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
