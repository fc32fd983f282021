import { expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { combineStatements, readStatementStats, type StatementStat } from './statementStats.ts';

const db = useTestDatabase();

test('with track = all, a statement run 7 times and one nested in a function 3 times are counted', async () => {
  const client = await db.pool.connect();
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query(`create function stat_loop(n int) returns void language plpgsql as $$
      begin for i in 1..n loop perform count(*) from generate_series(1, 1000 * i); end loop; end $$`);
    await client.query("set pg_stat_statements.track = 'all'");
    for (let i = 0; i < 7; i++)
      await client.query('select count(*) from generate_series(1, $1::int)', [10 + i]);
    await client.query('select stat_loop($1)', [3]);
    await client.query('reset pg_stat_statements.track');
    const { rows } = await client.query<{ oid: string }>(
      'select oid from pg_database where datname = current_database()',
    );
    const stats = await readStatementStats(client, [Number(rows[0]?.oid)]);

    const series = stats.find((s) => s.query === 'select count(*) from generate_series($2, $1::int)');
    expect(series).toMatchObject({ toplevel: true, calls: 7, rows: 7 });
    expect(series?.meanMs).toBeCloseTo((series?.totalMs ?? 0) / 7, 10);
    const call = stats.find((s) => s.query === 'select stat_loop($1)');
    expect(call).toMatchObject({ toplevel: true, calls: 1, rows: 1 });
    const nested = stats.find(
      (s) => !s.toplevel && /^SELECT count\(\*\) from generate_series\(\$\d+, \$\d+ \* i\)$/.test(s.query),
    );
    expect(nested).toMatchObject({ calls: 3, rows: 3 });
    // the call's time includes the statements it ran
    expect(call?.totalMs).toBeGreaterThanOrEqual(nested?.totalMs ?? Number.POSITIVE_INFINITY);
    expect(stats.map((s) => s.totalMs)).toEqual(stats.map((s) => s.totalMs).sort((a, b) => b - a));
  } finally {
    client.release();
  }
});

test('combineStatements sums one statement over databases and keeps nesting levels apart', () => {
  const row = (dbid: number, toplevel: boolean, calls: number, totalMs: number): StatementStat => ({
    dbid,
    toplevel,
    queryid: '42',
    query: 'select 1',
    calls,
    totalMs,
    meanMs: totalMs / calls,
    rows: calls,
    sharedBlocksHit: 10 * calls,
    sharedBlocksRead: calls,
  });
  expect(combineStatements([row(1, true, 2, 4), row(2, true, 6, 2), row(1, false, 1, 9)])).toEqual([
    {
      toplevel: false,
      queryid: '42',
      query: 'select 1',
      calls: 1,
      totalMs: 9,
      meanMs: 9,
      rows: 1,
      sharedBlocksHit: 10,
      sharedBlocksRead: 1,
    },
    {
      toplevel: true,
      queryid: '42',
      query: 'select 1',
      calls: 8,
      totalMs: 6,
      meanMs: 0.75,
      rows: 8,
      sharedBlocksHit: 80,
      sharedBlocksRead: 8,
    },
  ]);
});
