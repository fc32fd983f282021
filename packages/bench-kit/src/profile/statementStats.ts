/**
 * pg_stat_statements for `bench:profile --db`: the rows of the run's databases
 * (sql/db_profile_statements.sql), and the run's total per statement across databases. Times are the
 * server's own execution time (not the round trip); with `track = all` a statement nested in a
 * PL/pgSQL function has a row of its own (`toplevel: false`) and its time is also inside the row of
 * the call that ran it, so the rows of one list do not add up to the database's time.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const STATEMENTS_SQL = readFileSync(new URL('../../sql/db_profile_statements.sql', import.meta.url), 'utf8');

export interface StatementStat {
  /** the database's oid (the rows outlive a dropped database under it) */
  dbid: number;
  toplevel: boolean;
  queryid: string;
  /** normalised text ($1, $2 … for constants) */
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  sharedBlocksHit: number;
  sharedBlocksRead: number;
}

/** The pg_stat_statements rows of the given databases, by total execution time, largest first. */
export async function readStatementStats(
  client: pg.ClientBase,
  dbids: readonly number[],
): Promise<StatementStat[]> {
  const { rows } = await client.query<{
    dbid: string;
    toplevel: boolean;
    queryid: string;
    query: string;
    calls: string;
    total_exec_time: number;
    rows: string;
    shared_blks_hit: string;
    shared_blks_read: string;
  }>(STATEMENTS_SQL, [dbids]);
  return rows.map((row) => {
    const calls = Number(row.calls);
    return {
      dbid: Number(row.dbid),
      toplevel: row.toplevel,
      queryid: row.queryid,
      query: row.query,
      calls,
      totalMs: row.total_exec_time,
      meanMs: calls === 0 ? 0 : row.total_exec_time / calls,
      rows: Number(row.rows),
      sharedBlocksHit: Number(row.shared_blks_hit),
      sharedBlocksRead: Number(row.shared_blks_read),
    };
  });
}

/**
 * One row per (statement, nesting level) summed over databases: the same query in two bench files'
 * databases has the same queryid. Largest total first; mean = total / calls.
 */
export function combineStatements(stats: readonly StatementStat[]): Omit<StatementStat, 'dbid'>[] {
  const byStatement = new Map<string, Omit<StatementStat, 'dbid'>>();
  for (const { dbid: _dbid, ...stat } of stats) {
    const key = `${stat.queryid}:${stat.toplevel}`;
    const sum = byStatement.get(key);
    if (!sum) {
      byStatement.set(key, { ...stat });
      continue;
    }
    sum.calls += stat.calls;
    sum.totalMs += stat.totalMs;
    sum.rows += stat.rows;
    sum.sharedBlocksHit += stat.sharedBlocksHit;
    sum.sharedBlocksRead += stat.sharedBlocksRead;
    sum.meanMs = sum.calls === 0 ? 0 : sum.totalMs / sum.calls;
  }
  return [...byStatement.values()].sort((a, b) => b.totalMs - a.totalMs);
}
