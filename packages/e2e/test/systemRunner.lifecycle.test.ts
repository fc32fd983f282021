/**
 * The runner leaves nothing behind: after stop() no child process, no database session (listeners
 * included) and no HTTP port remain, in-process and in cluster mode; a remote target's health check
 * names the service that does not answer.
 */
import { createServer } from 'node:net';
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { describe, expect, test } from 'vitest';
import {
  checkRemoteHealth,
  liveChildPids,
  remoteTargetFromEnv,
  ServiceUnavailableError,
  startSystem,
} from '../src/index.ts';
import { eventually, isAlive, otherSessions } from './helpers.ts';

const db = useTestDatabase();

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return false;
  } catch {
    return true;
  }
}

async function runOneTask(system: Awaited<ReturnType<typeof startSystem>>): Promise<void> {
  const created = await system.client.createTask({
    namespace: mathematicalSequence.namespace,
    name: mathematicalSequence.name,
    context: { even_number: 2 },
    identity_strategy: 'always_unique',
  });
  const done = await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: 20_000 });
  expect(done.state).toBe('complete');
}

describe.each(['in-process', 'cluster'] as const)('%s', (mode) => {
  test('runs a task, then stop() leaves no process, session or port behind', {
    timeout: 60_000,
  }, async () => {
    const before = await otherSessions(db.connectionString);
    const system = await startSystem({ connectionString: db.connectionString, mode, workers: 1 });
    let pids: number[] = [];
    try {
      expect(system.mode).toBe(mode);
      pids = liveChildPids();
      if (mode === 'cluster') expect(pids).toHaveLength(2);
      await runOneTask(system);
      expect(await otherSessions(db.connectionString)).toBeGreaterThan(before);
      const memory = await system.memory({ gc: true });
      expect(memory.length).toBeGreaterThan(0);
      expect(memory.every((m) => m.heapUsed > 0 && m.rss >= m.heapUsed)).toBe(true);
      if (mode === 'cluster') expect(memory.every((m) => m.gcForced)).toBe(true);
    } finally {
      await system.stop();
    }
    expect(liveChildPids()).toEqual([]);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(await eventually(async () => (await otherSessions(db.connectionString)) === before)).toBe(true);
    for (const url of system.orchestrationUrls) expect(await refused(url)).toBe(true);
    expect(system.errors).toEqual([]);
  });
});

test('a cluster child that cannot start fails the start and leaves nothing running', async () => {
  await expect(
    startSystem({ connectionString: 'postgres://nobody@127.0.0.1:1/none', mode: 'cluster' }),
  ).rejects.toThrow(/orchestration 1 exited/);
  expect(liveChildPids()).toEqual([]);
});

describe('remote target', () => {
  test('is read from TASKER_TEST_* variables', () => {
    expect(remoteTargetFromEnv({})).toBeUndefined();
    expect(
      remoteTargetFromEnv({
        TASKER_TEST_ORCHESTRATION_URLS: 'http://a:8080/, http://b:8080',
        TASKER_TEST_WORKER_URL: 'http://w:8081',
        TASKER_TEST_SKIP_HEALTH_CHECK: '1',
      }),
    ).toEqual({
      orchestrationUrls: ['http://a:8080', 'http://b:8080'],
      workerUrl: 'http://w:8081',
      skipHealthCheck: true,
    });
  });

  test('the health check names the service that does not answer', async () => {
    const system = await startSystem({ connectionString: db.connectionString, workers: 0 });
    // a port that refuses: bind one, note it, close it
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 1;
    await new Promise((resolve) => server.close(resolve));
    try {
      const url = system.orchestrationUrls[0] ?? '';
      await expect(
        checkRemoteHealth({
          orchestrationUrls: [url],
          workerUrl: `http://127.0.0.1:${port}`,
          skipHealthCheck: false,
        }),
      ).rejects.toThrow(
        /^worker at http:\/\/127\.0\.0\.1:\d+ is not answering its health check \(GET \/health: ECONNREFUSED\)/,
      );
      const failure = checkRemoteHealth({
        orchestrationUrls: [url, `http://127.0.0.1:${port}`],
        workerUrl: undefined,
        skipHealthCheck: false,
      });
      await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(failure).rejects.toMatchObject({ service: 'orchestration #2' });
      const remote = await startSystem({
        connectionString: '',
        env: { TASKER_TEST_ORCHESTRATION_URL: url },
      });
      expect(remote.mode).toBe('remote');
      await expect(remote.client.health()).resolves.toMatchObject({ status: 'ok' });
      await remote.stop();
    } finally {
      await system.stop();
    }
  });
});
