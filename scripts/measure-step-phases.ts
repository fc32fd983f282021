/**
 * `pnpm measure:step-phases [--tasks N]`: what each database call of a one-step task's life costs
 * the server, with nothing else running: on a new embedded PostgreSQL, one connection creates N
 * no-op tasks (`tasker.create_tasks`, 100 per call), claims them (`tasker.claim_step_messages`, 10
 * per call) and completes them (`tasker.complete_steps`, 10 per call), the worker's default path.
 * For each phase it prints ms per step (one connection, so about the server's CPU for it), WAL bytes
 * per step with their kinds (pg_walinspect's pg_get_wal_stats) and the statements, nested ones
 * included, by total time (pg_stat_statements, track = all). The cost meter (step_cost.bench.ts)
 * gives the same figures under load; this one says which call and which statement they come from.
 * Everything it starts is removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startDatabaseServer, withClient, withDatabase } from '@tasker/bench-kit/node';
import { prepareDatabase, registerTemplate } from '@tasker/shared';
import pg from 'pg';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '600' } } });
const N = Number(values.tasks);
if (!Number.isInteger(N) || N < 10) throw new Error(`--tasks must be an integer ≥ 10, got ${values.tasks}`);
const QUEUE = 'worker_phase_noop_queue';
const WORKER = 'measure-step-phases';

const server = await startDatabaseServer('embedded');
let failed = false;
try {
  await withClient(server.adminUrl, (admin) => admin.query('create database step_phases'));
  const db = new pg.Client({ connectionString: withDatabase(server.adminUrl, 'step_phases') });
  db.on('error', () => undefined);
  await db.connect();
  try {
    await prepareDatabase(db);
    await db.query('create extension if not exists pg_stat_statements');
    await db.query('create extension if not exists pg_walinspect');
    await db.query(`set pg_stat_statements.track = 'all'`);
    await registerTemplate(db, {
      namespace: 'phase_noop',
      name: 'phase_noop',
      version: '1.0.0',
      steps: [
        { name: 'job', handler: 'noop', dependencies: [], retry: { retryable: true, max_attempts: 3 } },
      ],
    });

    const phase = async (name: string, run: () => Promise<void>) => {
      await db.query('select pg_stat_statements_reset()');
      const before = (await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn() as lsn')).rows[0]
        ?.lsn;
      const startedAt = performance.now();
      await run();
      const ms = performance.now() - startedAt;
      const after = (await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn() as lsn')).rows[0]
        ?.lsn;
      const wal = await db.query<{ kind: string; count: string; bytes: string }>(
        `select "resource_manager/record_type" as kind, count, combined_size as bytes
         from pg_get_wal_stats($1, $2, true) where count > 0 order by combined_size desc limit 6`,
        [before, after],
      );
      const total = wal.rows.reduce((sum, row) => sum + Number(row.bytes), 0);
      console.log(
        `\n${name}: ${(ms / N).toFixed(3)} ms per step, WAL ~${(total / N).toFixed(0)} B per step (top kinds)`,
      );
      for (const row of wal.rows)
        console.log(
          `  wal  ${row.kind.padEnd(24)} ${(Number(row.count) / N).toFixed(2)} records, ${(Number(row.bytes) / N).toFixed(0)} B per step`,
        );
      const top = await db.query<{ calls: string; ms: number; query: string }>(
        `select calls, total_exec_time as ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as query
         from pg_stat_statements where query not like '%pg_stat_statements%' and query not like '%pg_get_wal_stats%'
           and query not like '%pg_current_wal_insert_lsn%'
         order by total_exec_time desc limit 10`,
      );
      for (const row of top.rows)
        console.log(
          `  sql  ${(row.ms / N).toFixed(3)} ms/step  ${(Number(row.calls) / N).toFixed(2)} calls/step  ${row.query}`,
        );
    };

    await phase('create (tasker.create_tasks, 100 per call)', async () => {
      for (let i = 0; i < N; i += 100) {
        const requests = Array.from({ length: Math.min(100, N - i) }, () => ({
          namespace: 'phase_noop',
          name: 'phase_noop',
          context: {},
          identity_hash: randomUUID(),
        }));
        await db.query('select tasker.create_tasks($1::jsonb)', [JSON.stringify(requests)]);
      }
    });
    const claimed: Array<{ msg_id: string; step_uuid: string; attempt: number }> = [];
    await phase('claim (tasker.claim_step_messages, 10 per call)', async () => {
      for (;;) {
        const { rows } = await db.query('select * from tasker.claim_step_messages($1, 30, 10, $2)', [
          QUEUE,
          WORKER,
        ]);
        if (rows.length === 0) break;
        for (const row of rows) if (row.outcome === 'claimed') claimed.push(row);
      }
    });
    if (claimed.length !== N) throw new Error(`claimed ${claimed.length} steps of ${N}`);
    await phase('complete (tasker.complete_steps, 10 per call)', async () => {
      for (let i = 0; i < N; i += 10) {
        const batch = claimed.slice(i, i + 10);
        await db.query(
          'select * from tasker.complete_steps($1, $2::bigint[], $3::uuid[], $4::int[], $5::jsonb[], 0, 30, $6)',
          [
            QUEUE,
            batch.map((s) => s.msg_id),
            batch.map((s) => s.step_uuid),
            batch.map((s) => s.attempt),
            batch.map(() => '{}'),
            WORKER,
          ],
        );
      }
    });
    // the work measured was done: every task complete, no message left
    const { rows } = await db.query<{ complete: string; left: string }>(
      `select (select count(*) from tasker.tasks where current_state = 'complete') as complete,
              (select count(*) from pgmq.q_${QUEUE}) as left`,
    );
    if (Number(rows[0]?.complete) !== N || Number(rows[0]?.left) !== 0)
      throw new Error(`expected ${N} complete tasks and an empty queue, found ${JSON.stringify(rows[0])}`);
    console.log(`\n${N} tasks complete, queue empty`);
  } finally {
    await db.end();
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await server.stop();
}
process.exitCode = failed ? 1 : 0;
