/**
 * The database side of `bench:profile --db`, run by the global setup (Vitest's main process) when
 * TASKER_DB_PROFILE names an output directory: `startDbProfile` turns the diagnostics on for the
 * run's server and starts the wait-event sampler; `finish()` (at teardown, before the server stops
 * and the run's databases are dropped) stops it and writes db-profile.md and db-profile.json there.
 *
 * On a server the run started (embedded, testcontainers) it sets, with ALTER SYSTEM and a reload:
 * pg_stat_statements.track = all (statements inside PL/pgSQL functions counted too), auto_explain
 * for calls over AUTO_EXPLAIN_MIN_MS (JSON, nested statements, ANALYZE with buffers but without
 * per-node timing, which is what keeps its cost low), and `db=%d` in log_line_prefix so each plan
 * names its database; then resets pg_stat_statements. On a server given by DATABASE_URL it changes
 * nothing and reads what it can (the statistics as configured there, the wait events); plans need
 * the server's log, which is only readable for the embedded server.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DbProfileError } from '../errors.ts';
import type { ProviderKind } from '../provision/databaseServer.ts';
import { cloneLabel } from '../provision/runDatabases.ts';
import { type ParsedLog, parseAutoExplainLog } from './autoExplainLog.ts';
import { buildDbProfileReport, type DbProfileReport, formatDbProfile } from './dbProfileReport.ts';
import { readStatementStats, type StatementStat } from './statementStats.ts';
import { startWaitSampler } from './waitSampler.ts';

/** auto_explain logs calls that take at least this long */
export const AUTO_EXPLAIN_MIN_MS = 5;
export const WAIT_SAMPLE_INTERVAL_MS = 15;

const PROFILE_SETTINGS: Record<string, string> = {
  'pg_stat_statements.track': 'all',
  'auto_explain.log_min_duration': `${AUTO_EXPLAIN_MIN_MS}ms`,
  'auto_explain.log_nested_statements': 'on',
  'auto_explain.log_format': 'json',
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_timing': 'off',
  'auto_explain.log_buffers': 'on',
  log_line_prefix: '%m [%p] db=%d ',
};

export interface DbProfileOptions {
  /** where db-profile.md and db-profile.json go (the CPU profiles' directory) */
  outDir: string;
  adminUrl: string;
  runId: string;
  provider: ProviderKind;
  /** the banner's line for the server, e.g. "embedded PostgreSQL on 127.0.0.1:41234 (…)" */
  description: string;
  /** the server's log file, when it is readable here */
  serverLog: string | undefined;
}

export interface DbProfile {
  /** Stops the sampler, reads the statistics and the log, writes the reports; returns the markdown's
   *  path. Closes its connections even when a part fails; safe to call twice. */
  finish(): Promise<string>;
}

export async function startDbProfile(options: DbProfileOptions): Promise<DbProfile> {
  const ownServer = options.provider !== 'url';
  const databasePrefix = `tasker_${options.runId}_`;
  const admin = new pg.Client({
    connectionString: options.adminUrl,
    application_name: 'tasker bench:profile',
  });
  admin.on('error', () => undefined);
  await admin.connect();
  const notes: string[] = [];
  let statementsLoaded = false;
  let sampler: Awaited<ReturnType<typeof startWaitSampler>> | undefined;
  try {
    statementsLoaded = (await currentSetting(admin, 'pg_stat_statements.track')) !== undefined;
    if (!statementsLoaded)
      notes.push(
        'pg_stat_statements is not loaded on this server (shared_preload_libraries): no statement statistics',
      );
    if (ownServer) {
      for (const [name, value] of Object.entries(PROFILE_SETTINGS)) {
        if (name.startsWith('pg_stat_statements.') && !statementsLoaded) continue;
        await admin.query(`alter system set ${name} = ${pg.escapeLiteral(value)}`);
      }
      await admin.query('select pg_reload_conf()');
      await waitForSetting(admin, 'auto_explain.log_format', 'json');
    } else {
      notes.push(
        'DATABASE_URL: the server settings were left as they are (nothing turned on, nothing reset)',
      );
    }
    if (statementsLoaded && ownServer) {
      await admin.query('create extension if not exists pg_stat_statements');
      await admin.query('select pg_stat_statements_reset()');
    } else if (statementsLoaded) {
      const { rowCount } = await admin.query(`select from pg_extension where extname = 'pg_stat_statements'`);
      statementsLoaded = rowCount === 1;
      if (!statementsLoaded)
        notes.push(
          'DATABASE_URL: no pg_stat_statements extension in the admin database (create it to get statement statistics)',
        );
    }
    sampler = await startWaitSampler(options.adminUrl, {
      databasePrefix,
      intervalMs: WAIT_SAMPLE_INTERVAL_MS,
    });
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw new DbProfileError('could not turn the diagnostics on', { cause: error });
  }
  const settings = await describeSettings(admin).catch(() => ['(settings could not be read)']);
  const logStart = options.serverLog ? fileSize(options.serverLog) : 0;

  let finished: Promise<string> | undefined;
  const finish = async (): Promise<string> => {
    try {
      const samples = await (sampler as NonNullable<typeof sampler>).stop();
      let statements: StatementStat[] = [];
      if (statementsLoaded) {
        try {
          statements = await readStatementStats(admin, [...samples.databases.keys()]);
        } catch (error) {
          notes.push(`pg_stat_statements could not be read: ${describe(error)}`);
        }
      }
      let log: ParsedLog | undefined;
      if (options.serverLog) {
        try {
          const parsed = parseAutoExplainLog(readFrom(options.serverLog, logStart));
          // the run's databases only: not this profile's own reads in the admin database
          log = {
            ...parsed,
            plans: parsed.plans.filter((plan) => plan.database?.startsWith(databasePrefix)),
          };
        } catch (error) {
          notes.push(`the server log ${options.serverLog} could not be read: ${describe(error)}`);
        }
      } else {
        notes.push(
          `plans of slow calls need the server's log, which is not readable here (${options.provider} server); run with the embedded server for them`,
        );
      }
      const report: DbProfileReport = buildDbProfileReport({
        server: options.description,
        settings,
        notes,
        statements,
        samples,
        log,
        labelOf: (database) => cloneLabel(options.runId, database),
      });
      mkdirSync(options.outDir, { recursive: true });
      const markdown = join(options.outDir, 'db-profile.md');
      writeFileSync(join(options.outDir, 'db-profile.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(markdown, formatDbProfile(report));
      if (ownServer) {
        for (const name of Object.keys(PROFILE_SETTINGS)) await admin.query(`alter system reset ${name}`);
        await admin.query('select pg_reload_conf()');
      }
      return markdown;
    } finally {
      await sampler?.stop().catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
  };
  return {
    finish() {
      finished ??= finish();
      return finished;
    },
  };
}

async function currentSetting(client: pg.Client, name: string): Promise<string | undefined> {
  const { rows } = await client.query<{ value: string | null }>('select current_setting($1, true) as value', [
    name,
  ]);
  return rows[0]?.value ?? undefined;
}

/** pg_reload_conf() only signals the postmaster; wait until this session sees the new value. */
async function waitForSetting(client: pg.Client, name: string, value: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if ((await currentSetting(client, name)) === value) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new DbProfileError(`${name} did not become ${value} within 5 s of pg_reload_conf()`);
}

async function describeSettings(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{
    name: string;
    setting: string;
    unit: string | null;
    vartype: string;
  }>('select name, setting, unit, vartype from pg_settings where name = any($1) order by name', [
    Object.keys(PROFILE_SETTINGS),
  ]);
  return rows.map(
    (row) =>
      `${row.name} = ${row.vartype === 'string' ? `'${row.setting}'` : row.setting}${row.unit ? ` ${row.unit}` : ''}`,
  );
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  return readFileSync(path).subarray(offset).toString('utf8');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
