/**
 * The per-step SQL functions cache one generic plan per session (force_generic_plan), made from the
 * statistics of the moment. A service that starts on a young database must not keep a plan whose
 * cost follows the table (a hash join over a full index scan) as the tables grow: every call would
 * get slower with every task ever created. This test caches each function's plan on a nearly empty
 * database, grows the tables under it (autovacuum off, so no ANALYZE replans it), and counts the
 * tuples one call then reads, from the backend's own statistics (pg_stat_xact_*): a handful for
 * a key lookup, hundreds for a scan.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type InsertedTaskGraph, insertTaskGraph } from '../testing/insertTaskGraph.ts';

const db = useTestDatabase();

const GROWN_TASKS = 300; // × 4 steps, 3 edges: the first plans saw 2 tasks
const TABLES = ['tasks', 'workflow_steps', 'workflow_step_edges', 'workflow_step_transitions', 'named_steps'];

const diamond = () => ({
  steps: [
    { name: 'start', state: 'complete' as const, results: { value: 2 } },
    { name: 'left', state: 'complete' as const, dependsOn: ['start'], results: { value: 4 } },
    { name: 'right', state: 'complete' as const, dependsOn: ['start'] },
    { name: 'end', dependsOn: ['left', 'right'] },
  ],
});

type Call = { name: string; sql: (graph: InsertedTaskGraph) => [string, unknown[]] };

const CALLS: readonly Call[] = [
  {
    name: 'get_step_transitive_dependencies',
    sql: (g) => ['select * from tasker.get_step_transitive_dependencies($1)', [g.steps.end]],
  },
  {
    name: 'get_step_readiness_status',
    sql: (g) => ['select * from tasker.get_step_readiness_status($1)', [g.taskUuid]],
  },
  {
    name: 'get_task_execution_context',
    sql: (g) => ['select * from tasker.get_task_execution_context($1)', [g.taskUuid]],
  },
  {
    name: 'get_ready_steps',
    sql: (g) => ['select * from tasker.get_ready_steps($1::uuid[])', [[g.taskUuid]]],
  },
];

// pg_stat_xact_* counters hold what this backend has not yet flushed to the shared statistics,
// earlier transactions included: the call's reads are the difference around it
const READ_SQL = `select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0) as n
  from pg_stat_xact_user_tables where schemaname = 'tasker' and relname = any($1)`;

/** Tuples read from the tasker tables by one call (in a transaction, rolled back). */
async function tuplesRead(client: pg.Client, sql: string, params: unknown[]): Promise<number> {
  const counted = async () => Number((await client.query<{ n: string }>(READ_SQL, [TABLES])).rows[0]?.n);
  await client.query('begin');
  try {
    const before = await counted();
    await client.query(sql, params);
    return (await counted()) - before;
  } finally {
    await client.query('rollback');
  }
}

describe('plans cached on a young database stay key lookups as it grows', () => {
  const session = { client: undefined as pg.Client | undefined };
  let probe: InsertedTaskGraph;

  beforeAll(async () => {
    for (const table of TABLES)
      await db.pool.query(`alter table tasker.${table} set (autovacuum_enabled = false)`);
    probe = await insertTaskGraph(db.pool, diamond());
    await insertTaskGraph(db.pool, diamond());
    const client = new pg.Client({ connectionString: db.connectionString });
    await client.connect();
    session.client = client;
    // first calls: each function's generic plan is made now, from nearly empty tables
    for (const call of CALLS) {
      const [sql, params] = call.sql(probe);
      await client.query(sql, params);
    }
    for (let i = 0; i < GROWN_TASKS; i++) await insertTaskGraph(db.pool, diamond());
  }, 120_000);

  afterAll(async () => {
    await session.client?.end();
  });

  test.each(CALLS)('$name reads only the probed task’s rows', async (call) => {
    const client = session.client;
    if (!client) throw new Error('no session');
    const [sql, params] = call.sql(probe);
    const read = await tuplesRead(client, sql, params);
    // the probed task has 4 steps, 4 edges, 4 current transitions: a key lookup reads tens of
    // tuples; a scan of the grown tables reads over a thousand
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(100);
  });
});
