/**
 * The runner leaves nothing behind: after stop() no child process, no database session (listeners
 * included), no login user and no HTTP port remain, in-process and in cluster mode; the services log
 * in through the least-privilege roles (orchestration: tasker_orchestration, workers: tasker_worker),
 * never as the file's owner; a remote target's health check names the service that does not answer.
 */
import { createServer } from 'node:net';
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence, ServiceUnavailableError } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { checkRemoteHealth, liveChildPids, remoteTargetFromEnv, startSystem } from '../src/index.ts';
import { isAlive, otherSessions } from './helpers.ts';

const db = useTestDatabase();

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return false;
  } catch {
    return true;
  }
}

/** The users of the other sessions on the database, with the tasker roles each is a member of. */
async function sessionUsers(connectionString: string): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ user: string; roles: string[] }>(
      `select a.usename as user,
         array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid
               where m.member = a.usesysid and g.rolname like 'tasker\\_%' order by 1) as roles
       from pg_stat_activity a
       where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
       group by a.usename, a.usesysid`,
    );
    return new Map(rows.map((row) => [row.user, row.roles]));
  } finally {
    await client.end();
  }
}

async function roleExists(connectionString: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_roles where rolname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
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
    let users = new Map<string, string[]>();
    try {
      expect(system.mode).toBe(mode);
      pids = liveChildPids();
      if (mode === 'cluster') expect(pids).toHaveLength(2);
      await runOneTask(system);
      expect(await otherSessions(db.connectionString)).toBeGreaterThan(before);
      expect(system.databaseRoles).toBe('least-privilege');
      users = await sessionUsers(db.connectionString);
      const owner = decodeURIComponent(new URL(db.connectionString).username);
      // the file's own user may hold sessions of other tests' fixtures; the services' are their own users
      const services = [...users].filter(([user]) => user !== owner);
      expect(services.map(([, roles]) => roles.join(',')).sort()).toEqual(
        expect.arrayContaining(['tasker_orchestration', 'tasker_worker']),
      );
      expect(services.every(([, roles]) => roles.length === 1)).toBe(true);
      const memory = await system.memory({ gc: true });
      expect(memory.length).toBeGreaterThan(0);
      expect(memory.every((m) => m.heapUsed > 0 && m.rss >= m.heapUsed)).toBe(true);
      if (mode === 'cluster') expect(memory.every((m) => m.gcForced)).toBe(true);
    } finally {
      await system.stop();
    }
    expect(liveChildPids()).toEqual([]);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    await eventually('the sessions to be back to those before', async () => {
      return (await otherSessions(db.connectionString)) === before;
    });
    for (const url of system.orchestrationUrls) expect(await refused(url)).toBe(true);
    const owner = decodeURIComponent(new URL(db.connectionString).username);
    for (const user of users.keys())
      if (user !== owner) expect(await roleExists(db.connectionString, user)).toBe(false);
    expect(system.errors).toEqual([]);
  });
});

test('a cluster child that cannot start fails the start and leaves nothing running', async () => {
  await expect(
    startSystem({ connectionString: 'postgres://nobody@127.0.0.1:1/none', mode: 'cluster' }),
  ).rejects.toThrow(/^orchestration 1 is unavailable: exited \(code \d+/);
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
          token: system.apiToken,
        }),
      ).rejects.toThrow(
        /^worker at http:\/\/127\.0\.0\.1:\d+ is unavailable: not answering its health check \(GET \/health: ECONNREFUSED\) → start it/,
      );
      const failure = checkRemoteHealth({
        orchestrationUrls: [url, `http://127.0.0.1:${port}`],
        workerUrl: undefined,
        skipHealthCheck: false,
        token: system.apiToken,
      });
      await expect(failure).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(failure).rejects.toMatchObject({ service: 'orchestration #2' });
      // without the credential the readiness check says what is missing
      await expect(
        checkRemoteHealth({ orchestrationUrls: [url], workerUrl: undefined, skipHealthCheck: false }),
      ).rejects.toThrow(/answered 401: set TASKER_TEST_API_TOKEN/);
      const remote = await startSystem({
        connectionString: '',
        env: { TASKER_TEST_ORCHESTRATION_URL: url, TASKER_TEST_API_TOKEN: system.apiToken ?? '' },
      });
      expect(remote.mode).toBe('remote');
      expect(remote.apiToken).toBe(system.apiToken);
      await expect(remote.client.health()).resolves.toMatchObject({ status: 'ok' });
      // the remote system's client sends the token: a read needs it
      await expect(remote.client.listTasks()).resolves.toBeDefined();
      await remote.stop();
    } finally {
      await system.stop();
    }
  });
});
