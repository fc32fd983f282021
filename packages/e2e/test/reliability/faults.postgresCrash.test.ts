/**
 * PostgreSQL crashed under load: stopped in immediate mode (SIGQUIT to the postmaster: no
 * checkpoint, so the asynchronous commits since the last WAL flush are lost — the workers' claims
 * and completions and orchestration's result processing commit with synchronous_commit off, see
 * 11_worker_claim_submit.sql), then started again (crash recovery), in each result hand-off mode.
 * Clients keep creating tasks over HTTP (single and batch route) before, during and after the crash.
 * Afterwards every task answered 201 exists and completes, every task in the database completes,
 * no step completed twice, and both services said — in their logs and health endpoints, within a
 * bounded time — that they lost the database and got it back. A task whose completion was notified
 * just before the crash may have lost it (the notification goes out at commit, before the WAL
 * flush): it must still end complete with each step completed once (a lost completion's step runs
 * again — at-least-once execution — and the audit trail, rolled back with it, records one).
 * Two scripted checks go with it: task creation commits synchronously (what makes a 201 survive),
 * and a worker's submit under a claim the crash took back leaves the step's message for the next
 * claim. faults.postgresRestart.test.ts is the clean stop.
 */
import { registerTemplate } from '@tasker/shared';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  allFinished,
  eventually,
  executionAudit,
  missingTasks,
  queueDepth,
  taskStates,
} from './helpers/audit.ts';
import { type OwnServer, startOwnServer } from './helpers/ownServer.ts';
import { getJson, startOrchestrationProcess, startWorkerProcess, stopAll } from './helpers/services.ts';
import { startTaskLoad } from './helpers/taskLoad.ts';

const HANDOFFS = ['inline', 'queue'] as const;
/** the workflow: a → (b, c) → d, each step a sleep of STEP_MS */
const STEPS = 4;
const STEP_MS = 50;
const CLIENTS = 3;
const CLIENT_PAUSE_MS = 40;
/** every BATCH_EVERY-th request of a client creates BATCH_SIZE tasks through POST /v1/tasks/batch */
const BATCH_EVERY = 5;
const BATCH_SIZE = 3;
/** tasks answered 201 (and completions notified) before the crash, and tasks answered after recovery */
const ACCEPTED_BEFORE = 40;
const COMPLETED_BEFORE = 10;
const ACCEPTED_AFTER = 40;
/** the bound on recovery: the services' listeners back off a few seconds at most between attempts */
const RECOVERY_MS = 30_000;
/**
 * The WAL writer flushes asynchronous commits every wal_writer_delay (200 ms by default) or after
 * wal_writer_flush_after of WAL: both raised, so a crash loses more than the last moments' commits
 * (each synchronous commit — a task creation — still flushes everything before it).
 */
const SERVER_SETTINGS = { wal_writer_delay: '10s', wal_writer_flush_after: '64MB' };

let server: OwnServer | undefined;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  server = await startOwnServer({ database: 'tasker_crash', settings: SERVER_SETTINGS });
  pool = new pg.Pool({ connectionString: server.databaseUrl, max: 3 });
  pool.on('error', () => undefined); // its idle connections die with the server
  await pool.query('create table crash_probe (handoff text primary key)');
}, 120_000);

afterEach(stopAll);

afterAll(async () => {
  await stopAll();
  await pool?.end().catch(() => undefined);
  await server?.remove();
});

async function registerDiamond(db: pg.Pool, namespace: string): Promise<void> {
  const step = (name: string, dependencies: string[]) => ({
    name,
    handler: 'sleep',
    dependencies,
    retry: { retryable: true, max_attempts: 5 },
    inputs: { ms: STEP_MS },
  });
  await registerTemplate(db, {
    namespace,
    name: 'diamond',
    version: '1.0.0',
    steps: [step('a', []), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])],
  });
}

test('task creation commits synchronously, so a 201 survives a crash', async () => {
  const own = server as OwnServer;
  await registerDiamond(pool as pg.Pool, 'rel_pg_crash_durable');
  // as the orchestration's user; synchronous_commit is the session's unless a function SETs it
  // LOCAL (as the claim and submit functions do), which would show here until the transaction ends
  const client = new pg.Client({ connectionString: own.services.orchestration });
  await client.connect();
  try {
    await client.query('begin');
    await client.query("select tasker.create_task('rel_pg_crash_durable', 'diamond', null, '{}', 'one')");
    const single = await client.query<{ s: string }>("select current_setting('synchronous_commit') as s");
    await client.query(`select tasker.create_tasks($1::jsonb)`, [
      JSON.stringify([
        { namespace: 'rel_pg_crash_durable', name: 'diamond', context: {}, identity_hash: 'two' },
      ]),
    ]);
    const batch = await client.query<{ s: string }>("select current_setting('synchronous_commit') as s");
    await client.query('rollback');
    expect([single.rows[0]?.s, batch.rows[0]?.s]).toEqual(['on', 'on']);
  } finally {
    await client.end();
  }
});

describe.each(HANDOFFS)('%s hand-off', (handoff) => {
  test('a submit under a claim the crash took back leaves the message for the next claim', async () => {
    // scripted: a claim rolled back after its answer is what a crash does to an acknowledged
    // asynchronous commit; the worker still holds the claim and submits once the server is back
    const own = server as OwnServer;
    const namespace = `rel_pg_lost_claim_${handoff}`;
    const queue = `worker_${namespace}_queue`;
    await registerDiamond(pool as pg.Pool, namespace);
    await (pool as pg.Pool).query("select tasker.create_task($1, 'diamond', null, '{}', $1)", [namespace]);
    const worker = new pg.Client({ connectionString: own.services.worker });
    await worker.connect();
    try {
      type Claim = { msg_id: string; step_uuid: string; attempt: number; outcome: string };
      const claim =
        "select msg_id, step_uuid, attempt, outcome from tasker.claim_step_messages($1, 30, 1, 'w')";
      await worker.query('begin');
      const lost = (await worker.query<Claim>(claim, [queue])).rows[0];
      await worker.query('rollback');
      expect(lost).toMatchObject({ outcome: 'claimed', attempt: 1 });
      const { msg_id, step_uuid, attempt } = lost as Claim;
      const submitted =
        handoff === 'inline'
          ? await worker.query<{ status: string }>(
              "select status from tasker.complete_step($1, $2, $3, $4, '{}'::jsonb)",
              [queue, msg_id, step_uuid, attempt],
            )
          : await worker.query<{ status: string }>(
              "select tasker.submit_step_result($1, $2, $3, $4, 'enqueued_for_orchestration', '{}') as status",
              [queue, msg_id, step_uuid, attempt],
            );
      expect(submitted.rows).toEqual([{ status: 'stale' }]);
      const again = (await worker.query<Claim>(claim, [queue])).rows;
      expect(again).toEqual([{ msg_id, step_uuid, attempt: 1, outcome: 'claimed' }]);
    } finally {
      await worker.end();
    }
  });

  test('PostgreSQL crashed under load: every task answered 201 completes, no step completes twice', async ({
    annotate,
  }) => {
    const own = server as OwnServer;
    const db = pool as pg.Pool;
    const namespace = `rel_pg_crash_${handoff}`;
    await registerDiamond(db, namespace);
    const orchestration = await startOrchestrationProcess({
      databaseUrl: own.services.orchestration,
      visibilityTimeoutSeconds: 2,
      resultPollIntervalMs: 250,
    });
    const worker = await startWorkerProcess({
      databaseUrl: own.services.worker,
      namespaces: [namespace],
      concurrency: 8,
      visibilityTimeoutSeconds: 3,
      handlerTimeoutMs: 2_000,
      pollIntervalMs: 250,
      resultHandoff: handoff,
    });

    // what a client waiting for its task is told: the completion notifications, until the crash
    const notified = new Set<string>();
    const listener = new pg.Client({ connectionString: own.databaseUrl });
    listener.on('error', () => undefined); // it dies with the server
    listener.on('notification', (message) => {
      const payload = JSON.parse(message.payload ?? '{}') as { task_uuid?: string; state?: string };
      if (payload.state === 'complete' && payload.task_uuid) notified.add(payload.task_uuid);
    });
    await listener.connect();
    await listener.query('listen task_completed');

    const load = startTaskLoad({
      baseUrl: orchestration.url,
      namespace,
      name: 'diamond',
      clients: CLIENTS,
      pauseMs: CLIENT_PAUSE_MS,
      batchEvery: BATCH_EVERY,
      batchSize: BATCH_SIZE,
    });
    try {
      await eventually(
        `${ACCEPTED_BEFORE} tasks accepted and ${COMPLETED_BEFORE} completed`,
        async () => load.accepted.length >= ACCEPTED_BEFORE && notified.size >= COMPLETED_BEFORE,
        30_000,
      );
      expect(load.refused).toEqual([]);

      // a commit acknowledged with synchronous_commit off just before the crash: lost or kept,
      // whichever happens (reported, not asserted)
      const probe = await db.connect();
      try {
        await probe.query('begin');
        await probe.query('set local synchronous_commit = off');
        await probe.query('insert into crash_probe values ($1)', [handoff]);
        await probe.query('commit');
      } finally {
        probe.release();
      }
      const notifiedBefore = [...notified];
      const acceptedBefore = load.accepted.length;
      await own.crash();
      const refusedAtCrash = load.refused.length;

      const ready = await eventually('/health/ready to answer 503', async () => {
        const answer = await getJson(`${orchestration.url}/health/ready`);
        return answer.status === 503 ? answer : undefined;
      });
      expect(ready.body).toMatchObject({ status: 'unavailable' });
      await eventually('worker /health to show the listener down', async () => {
        const health = await getJson(`${worker.url}/health`);
        return (health.body as { listening?: boolean }).listening === false;
      });
      await eventually('a task creation refused while the database is down', async () => {
        return load.refused.length > refusedAtCrash;
      });

      // the next start recovers from the WAL: the stop really was immediate (a clean stop logs
      // "database system was shut down at", see faults.postgresRestart.test.ts)
      const startup = await own.start();
      expect(startup).toMatch(/database system was interrupted; last known up at/);
      expect(startup).toContain('database system was not properly shut down; automatic recovery in progress');
      expect(startup).toMatch(/redo starts at/);

      await eventually(
        '/health/ready to answer 200 again',
        async () => (await getJson(`${orchestration.url}/health/ready`)).status === 200,
        RECOVERY_MS,
      );
      await eventually(
        'worker listening again',
        async () =>
          ((await getJson(`${worker.url}/health`)).body as { listening?: boolean }).listening === true,
        RECOVERY_MS,
      );
      const probeKept =
        (await db.query('select from crash_probe where handoff = $1', [handoff])).rowCount === 1;
      const { rows: undone } = await db.query<{ n: number }>(
        `select count(*)::int as n from tasker.tasks where task_uuid = any($1::uuid[]) and current_state <> 'complete'`,
        [notifiedBefore],
      );
      const acceptedAtRecovery = load.accepted.length;
      const refusedAtRecovery = load.refused.length;
      await eventually(
        `${ACCEPTED_AFTER} tasks accepted after recovery`,
        async () => load.accepted.length >= acceptedAtRecovery + ACCEPTED_AFTER,
        30_000,
      );
      await load.stop();
      // answered again once the services say so; while down, refused with a server error (never a
      // 201, nor a 4xx that would blame the request)
      expect(load.refused.slice(refusedAtRecovery)).toEqual([]);
      expect(load.refused.filter((refusal) => refusal.status !== 0 && refusal.status < 500)).toEqual([]);

      const orchestrationLog = orchestration.lines.join('\n');
      expect(orchestrationLog).toMatch(/database listener reconnecting[\s\S]*database listener connected/);
      const workerStates = worker.lines
        .filter((line) => line.includes('"event":"listener"'))
        .map((line) => (JSON.parse(line) as { state: string }).state);
      expect(workerStates.slice(workerStates.indexOf('reconnecting'))).toContain('connected');
      for (const secret of own.secrets) {
        expect(orchestrationLog).not.toContain(secret);
        expect(worker.lines.join('\n')).not.toContain(secret);
      }

      // what was answered 201 is there, and everything there finishes complete, each step once
      expect(new Set(load.accepted).size).toBe(load.accepted.length);
      expect(await missingTasks(db, load.accepted)).toEqual([]);
      const tasks = Object.values(await taskStates(db, namespace)).reduce((a, b) => a + b, 0);
      expect(tasks).toBeGreaterThanOrEqual(load.accepted.length);
      expect(await allFinished(db, namespace, tasks, 40_000)).toEqual({ complete: tasks });
      const audit = await executionAudit(db, namespace);
      expect(audit).toMatchObject({
        steps: tasks * STEPS,
        completeSteps: tasks * STEPS,
        completions: tasks * STEPS,
        duplicated: 0,
        missing: 0,
        completedTwice: 0,
      });
      // nothing left waiting: a lost claim's or completion's message was taken up again and finished
      await eventually(
        'the worker queue to drain',
        async () => (await queueDepth(db, `worker_${namespace}_queue`)) === 0,
      );
      await eventually(
        'the results queue to drain',
        async () => (await queueDepth(db, 'orchestration_step_results')) === 0,
      );
      expect(orchestration.child.exitCode).toBeNull();
      expect(worker.child.exitCode).toBeNull();

      await annotate(
        [
          `${load.accepted.length} tasks answered 201 (${load.acceptedInBatches} through the batch route; ${acceptedBefore} before the crash), ` +
            `${load.refused.length} requests refused while down (statuses ${[...new Set(load.refused.map((r) => r.status))].join(', ')})`,
          `${tasks} tasks in the database, all complete; ${audit.steps} steps checked: ${audit.completions} completions, ` +
            `${audit.duplicated} duplicated, ${audit.completedTwice} completed twice, ${audit.reclaims} reclaims`,
          `completions notified before the crash and undone by it: ${undone[0]?.n ?? 0} of ${notifiedBefore.length}; ` +
            `probe committed with synchronous_commit off just before the crash: ${probeKept ? 'kept' : 'lost'}`,
        ].join('\n'),
      );
    } finally {
      await load.stop();
      await listener.end().catch(() => undefined);
    }
  }, 60_000);
});
