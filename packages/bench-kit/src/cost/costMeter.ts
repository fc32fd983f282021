/**
 * The cost meter: what a stretch of work cost the machine, beside the wall clock. Two readings —
 * `startCostMeter` takes the first, `stop()` the second — and the difference:
 *
 *   cpuMs.postgres  user + system CPU of the PostgreSQL server's processes: the postmaster's own and
 *                   exited children's time (utime + stime + cutime + cstime) plus every live child's
 *                   utime + stime (backends, autovacuum, checkpointer, walwriter …). A backend that
 *                   exits in between moves into the postmaster's cutime, so the difference stays
 *                   right. Only for a server on this machine: the postmaster is found from the
 *                   meter's own backend (`pg_backend_pid()` → /proc/<pid>/stat → its parent) and must
 *                   be a `postgres` process started when the server says it started; otherwise the
 *                   figure is unavailable, with the reason.
 *   cpuMs.system    user + system CPU of the system under test: this process (`process.cpuUsage()`,
 *                   every thread of it), its exited, waited-for children (cutime + cstime of
 *                   /proc/self/stat) and each live process `pids()` names (its utime + stime) —
 *                   cluster mode's services, which are this process's children, so one that exits
 *                   in between still counts. A named process that started after the first reading
 *                   and lives at the second counts without its start-up (`startUpCpuMs(pid)`: its
 *                   CPU until it was ready), so services started inside the window cost their work,
 *                   not their boot.
 *   statements      calls of top-level statements in the database (pg_stat_statements, filtered by
 *                   the database's oid), less the meter's own one; which statements are tracked follows
 *                   `pg_stat_statements.track_utility` (off on the embedded server: BEGIN, COMMIT,
 *                   LISTEN, SET … are not counted). Unavailable without the extension, or when it
 *                   evicted entries in between (calls lost).
 *   commits         transaction ids assigned in between whose transaction committed: write
 *                   transactions and subtransactions that wrote; read-only transactions take no id.
 *                   Not pg_stat_database.xact_commit, which backends flush about once a second.
 *   walBytes        WAL inserted in between (pg_current_wal_insert_lsn).
 *
 * Everything but `cpuMs.system` is the whole server's (every database's CPU, transaction ids and
 * WAL; statements only this database's): run nothing else on the server while metering.
 *
 * ```ts
 * const meter = await startCostMeter({ connectionString: db.connectionString, pids: liveChildPids });
 * await burnDown();
 * const cost = await meter.stop();
 * await recordCost(task, 'tasker', cost, { count: steps, unit: 'step' });
 * ```
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import {
  bootTimeEpochSeconds,
  childrenOf,
  clockTicksPerSecond,
  type ProcessTimes,
  readProcessTimes,
} from './procStat.ts';

/** A figure the meter could read, or why it could not. */
export type CostCount = { state: 'measured'; value: number } | { state: 'unavailable'; reason: string };

export interface CostFigures {
  /** wall clock between the two readings, ms */
  durationMs: number;
  cpuMs: { postgres: CostCount; system: CostCount };
  statements: CostCount;
  commits: CostCount;
  walBytes: number;
}

export interface CostMeterOptions {
  /** the measured database (statements are counted in it; the rest is the server's) */
  connectionString: string;
  /** pids of the system's processes besides this one (its children), asked at each reading */
  pids?: () => readonly number[];
  /** CPU ms a named process spent before it was ready (its start-up), when known */
  startUpCpuMs?: (pid: number) => number | undefined;
}

export interface CostMeter {
  /** takes the second reading and closes the meter's connection */
  stop(): Promise<CostFigures>;
}

const sql = (file: string) => readFileSync(new URL(`../../sql/${file}`, import.meta.url), 'utf8');
const SERVER_PROCESS_SQL = sql('cost_server_process.sql');
const STATEMENTS_SETUP_SQL = sql('cost_statements_setup.sql');
const COUNTERS_SQL = sql('cost_counters.sql');
const STATEMENTS_SQL = sql('cost_statements.sql');
const WINDOW_SQL = sql('cost_window.sql');
/** the server's start time and its process's may differ by start-up; a different process by far more */
const START_TIME_TOLERANCE_S = 10;
/** a child reaped while a reading scans the processes moves its time: read again (rarely needed) */
const READING_ATTEMPTS = 5;
/** statements of the meter itself between its two statement readings: the first of them */
const OWN_STATEMENTS = 1;

/** Where CPU ms come from, or why they cannot. */
type CpuSource = { state: 'measured'; read: () => number } | { state: 'unavailable'; reason: string };

interface Counters {
  nextXid: string;
  walInsertLsn: string;
}

type StatementReading =
  | { state: 'measured'; calls: number; dealloc: number }
  | { state: 'unavailable'; reason: string };

export async function startCostMeter({
  connectionString,
  pids,
  startUpCpuMs,
}: CostMeterOptions): Promise<CostMeter> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const postgres = await postgresCpu(client);
    const system = systemCpu(pids, startUpCpuMs);
    const statementsUnavailable = await statementsSetup(client);
    const statementReading = async (): Promise<StatementReading> =>
      statementsUnavailable
        ? { state: 'unavailable', reason: statementsUnavailable }
        : readStatements(client);

    const counters0 = await readCounters(client);
    const statements0 = await statementReading();
    const postgres0 = readCpu(postgres);
    const system0 = readCpu(system);
    const started = performance.now();

    return {
      async stop() {
        try {
          const durationMs = performance.now() - started;
          const system1 = readCpu(system);
          const postgres1 = readCpu(postgres);
          const statements1 = await statementReading();
          const counters1 = await readCounters(client);
          const window = await readWindow(client, counters0, counters1);
          return {
            durationMs,
            cpuMs: { postgres: difference(postgres0, postgres1), system: difference(system0, system1) },
            statements: statementDifference(statements0, statements1),
            commits: { state: 'measured', value: window.committed },
            walBytes: window.walBytes,
          };
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    await client.end();
    throw error;
  }
}

/** Finds the postmaster of the server `client` is connected to, when it runs on this machine. */
async function postgresCpu(client: pg.Client): Promise<CpuSource> {
  const { rows } = await client.query<{ backend_pid: number; postmaster_started_epoch: number }>(
    SERVER_PROCESS_SQL,
  );
  const { backend_pid: backendPid, postmaster_started_epoch: startedEpoch } = rows[0] ?? {};
  const unavailable = (reason: string): CpuSource => ({
    state: 'unavailable',
    reason: `PostgreSQL CPU: ${reason}`,
  });
  if (backendPid === undefined || startedEpoch === undefined)
    return unavailable('the server did not say its backend pid');
  const backend = readProcessTimes(backendPid);
  if (!backend)
    return unavailable(
      `no process ${backendPid} (the meter's backend) on this machine: the server is not local, or runs in another PID namespace (a container)`,
    );
  const postmaster = readProcessTimes(backend.ppid);
  if (backend.command !== 'postgres' || postmaster?.command !== 'postgres')
    return unavailable(
      `process ${backendPid} here is "${backend.command}" with parent "${postmaster?.command ?? '?'}", not a postgres backend of a postmaster: the server is not local`,
    );
  const bootEpoch = bootTimeEpochSeconds();
  const ticks = clockTicksPerSecond();
  if (bootEpoch === undefined) return unavailable('no btime in /proc/stat to date the postmaster by');
  const processStartedEpoch = bootEpoch + postmaster.startTicks / ticks;
  if (Math.abs(processStartedEpoch - startedEpoch) > START_TIME_TOLERANCE_S)
    return unavailable(
      `process ${postmaster.pid} started at ${new Date(processStartedEpoch * 1000).toISOString()}, the server at ${new Date(startedEpoch * 1000).toISOString()}: not the same postmaster`,
    );
  const postmasterPid = postmaster.pid;
  return {
    state: 'measured',
    read: () => {
      const reading = settledReading(
        () => readProcessTimes(postmasterPid),
        () => sumOwnTicks(childrenOf(postmasterPid)),
      );
      if (!reading) throw new Error(`the postmaster (pid ${postmasterPid}) is gone: the server stopped`);
      return ((ownAndReapedTicks(reading.parent) + reading.liveTicks) * 1000) / ticks;
    },
  };
}

/**
 * This process, its reaped children and the live processes `pids` names; a named process first seen
 * after the first reading without its start-up.
 */
function systemCpu(
  pids: (() => readonly number[]) | undefined,
  startUpCpuMs: ((pid: number) => number | undefined) | undefined,
): CpuSource {
  const self = readProcessTimes('self');
  if (!self) {
    if (pids)
      return {
        state: 'unavailable',
        reason: 'system CPU: no /proc on this machine to read the system’s other processes from',
      };
    return { state: 'measured', read: () => cpuUsageMs() };
  }
  const ticks = clockTicksPerSecond();
  /** the named processes of the first reading: their start-up is before the window already */
  let seenFirst: Set<number> | undefined;
  return {
    state: 'measured',
    read: () => {
      let ownMs = 0;
      let live: ProcessTimes[] = [];
      const reading = settledReading(
        () => {
          ownMs = cpuUsageMs();
          return readProcessTimes('self');
        },
        () => {
          live = (pids?.() ?? [])
            .filter((pid) => pid !== process.pid)
            .flatMap((pid) => readProcessTimes(pid) ?? []);
          return sumOwnTicks(live);
        },
      );
      if (!reading) throw new Error('/proc/self/stat could not be read');
      const startUpMs = seenFirst
        ? live.reduce((sum, p) => sum + (seenFirst?.has(p.pid) ? 0 : (startUpCpuMs?.(p.pid) ?? 0)), 0)
        : 0;
      seenFirst ??= new Set(live.map((p) => p.pid));
      return ownMs + ((reapedTicks(reading.parent) + reading.liveTicks) * 1000) / ticks - startUpMs;
    },
  };
}

/**
 * The parent's times and the live children's ticks, read so that no child moved from one to the
 * other in between (the parent's reaped-children time is the same before and after the scan).
 */
function settledReading(
  parent: () => ProcessTimes | undefined,
  liveTicks: () => number,
): { parent: ProcessTimes; liveTicks: number } | undefined {
  let reading: { parent: ProcessTimes; liveTicks: number } | undefined;
  for (let attempt = 0; attempt < READING_ATTEMPTS; attempt++) {
    const before = parent();
    if (!before) return undefined;
    const live = liveTicks();
    const after = parent();
    if (!after) return undefined;
    reading = { parent: after, liveTicks: live };
    if (reapedTicks(before) === reapedTicks(after)) return reading;
  }
  return reading;
}

const reapedTicks = (times: ProcessTimes) => times.cutimeTicks + times.cstimeTicks;
const ownAndReapedTicks = (times: ProcessTimes) => times.utimeTicks + times.stimeTicks + reapedTicks(times);
const sumOwnTicks = (processes: readonly ProcessTimes[]) =>
  processes.reduce((sum, p) => sum + p.utimeTicks + p.stimeTicks, 0);

function cpuUsageMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function readCpu(source: CpuSource): CostCount {
  return source.state === 'measured' ? { state: 'measured', value: source.read() } : source;
}

function difference(first: CostCount, second: CostCount): CostCount {
  if (first.state !== 'measured') return first;
  if (second.state !== 'measured') return second;
  return { state: 'measured', value: second.value - first.value };
}

/** Makes pg_stat_statements readable: undefined, or why it is not. */
async function statementsSetup(client: pg.Client): Promise<string | undefined> {
  const unavailable = (reason: string) => `statements: ${reason}`;
  try {
    const results = (await client.query(STATEMENTS_SETUP_SQL)) as unknown as pg.QueryResult[];
    const settings = results.at(-1)?.rows[0] as { track?: string } | undefined;
    if (settings?.track === 'none')
      return unavailable('pg_stat_statements.track is none on this server (nothing is counted)');
    // the view answers only when the library is preloaded; a failure here names the cause
    await client.query(STATEMENTS_SQL);
    return undefined;
  } catch (error) {
    return unavailable(`pg_stat_statements is not usable here (${(error as Error).message})`);
  }
}

async function readStatements(client: pg.Client): Promise<StatementReading> {
  const { rows } = await client.query<{ calls: string; dealloc: string | null }>(STATEMENTS_SQL);
  return { state: 'measured', calls: Number(rows[0]?.calls), dealloc: Number(rows[0]?.dealloc ?? 0) };
}

function statementDifference(first: StatementReading, second: StatementReading): CostCount {
  if (first.state !== 'measured') return first;
  if (second.state !== 'measured') return second;
  if (second.dealloc !== first.dealloc)
    return {
      state: 'unavailable',
      reason: `statements: pg_stat_statements evicted entries ${second.dealloc - first.dealloc} time(s) between the readings (calls were lost; raise pg_stat_statements.max)`,
    };
  return { state: 'measured', value: second.calls - first.calls - OWN_STATEMENTS };
}

async function readCounters(client: pg.Client): Promise<Counters> {
  const { rows } = await client.query<{ next_xid: string; wal_insert_lsn: string }>(COUNTERS_SQL);
  const row = rows[0];
  if (!row) throw new Error('cost_counters.sql returned no row');
  return { nextXid: row.next_xid, walInsertLsn: row.wal_insert_lsn };
}

async function readWindow(
  client: pg.Client,
  first: Counters,
  second: Counters,
): Promise<{ committed: number; walBytes: number }> {
  const { rows } = await client.query<{ committed: string; wal_bytes: string }>(WINDOW_SQL, [
    first.nextXid,
    second.nextXid,
    first.walInsertLsn,
    second.walInsertLsn,
  ]);
  return { committed: Number(rows[0]?.committed), walBytes: Number(rows[0]?.wal_bytes) };
}
