/**
 * The pgflow peer (src/peers/pgflowPeer.ts): pgflow 0.8's SQL, installed unmodified but for the two
 * documented changes, runs on the test database's PGMQ (tasker's compatible layer here) — which makes
 * this also a conformance test of that layer by a real consumer — and the peer's Node loop completes
 * a chain of 4, a diamond and a small burn-down, each step exactly once, by pgflow's own records
 * (pgflow.runs, pgflow.step_tasks).
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@tasker/bench-kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PGFLOW_FLOWS, startPgflowPeer } from '../src/peers/pgflowPeer.ts';
import type { Peer } from '../src/peers/signals.ts';

const db = useTestDatabase();
let peer: Peer | undefined;

const BURN_DOWN = 40;

beforeAll(async () => {
  peer = await startPgflowPeer(db.connectionString);
});

afterAll(async () => {
  await peer?.stop();
});

function started(): Peer {
  if (!peer) throw new Error('the pgflow peer did not start');
  return peer;
}

interface StepRun {
  step_slug: string;
  status: string;
  attempts_count: number;
  started_at: Date;
  completed_at: Date;
}

/** The run started with input {key} (exactly one), and its step tasks by step. */
async function runOf(key: string) {
  const runs = await db.pool.query<{ run_id: string; status: string; remaining_steps: number }>(
    `select run_id, status, remaining_steps from pgflow.runs where input->>'key' = $1`,
    [key],
  );
  expect(runs.rows).toHaveLength(1);
  const run = runs.rows[0];
  const steps = await db.pool.query<StepRun>(
    `select step_slug, status, attempts_count, started_at, completed_at
     from pgflow.step_tasks where run_id = $1 order by step_slug`,
    [run?.run_id],
  );
  return { run, steps: new Map(steps.rows.map((step) => [step.step_slug, step])) };
}

describe('pgflow on the compatible layer', () => {
  test('installs its schema and one pgmq queue per flow in the given database', async () => {
    const { rows } = await db.pool.query<{ queue_name: string }>(
      `select queue_name from pgmq.list_queues() where queue_name like 'pgflow\\_%' order by 1`,
    );
    expect(rows.map((row) => row.queue_name)).toEqual(
      Object.values(PGFLOW_FLOWS)
        .map((flow) => flow.slug)
        .sort(),
    );
    const workers = await db.pool.query<{ queue_name: string }>(
      'select queue_name from pgflow.workers order by queue_name',
    );
    expect(workers.rows).toHaveLength(Object.keys(PGFLOW_FLOWS).length);
    expect(started().configuration).toContain('Node loop');
    expect(started().configuration).toContain('CREATE EXTENSION pgmq left out');
  });

  test('a chain of 4 completes, each step once and after the one before it', async () => {
    const key = randomUUID();
    const before = started().done.chains;
    await started().chainOfFour(key);
    expect(started().done.chains).toBe(before + 1);
    const { run, steps } = await runOf(key);
    expect(run).toMatchObject({ status: 'completed', remaining_steps: 0 });
    expect([...steps.keys()]).toEqual(['s1', 's2', 's3', 's4']);
    for (const step of steps.values()) expect(step).toMatchObject({ status: 'completed', attempts_count: 1 });
    for (const [parent, child] of [
      ['s1', 's2'],
      ['s2', 's3'],
      ['s3', 's4'],
    ] as const) {
      expect(steps.get(child)?.started_at.getTime()).toBeGreaterThanOrEqual(
        steps.get(parent)?.completed_at.getTime() ?? Number.POSITIVE_INFINITY,
      );
    }
  });

  test('a diamond completes: a, then b and c, then d once both are done; each step once', async () => {
    const key = randomUUID();
    const before = started().done.diamonds;
    await started().diamond(key);
    expect(started().done.diamonds).toBe(before + 1);
    const { run, steps } = await runOf(key);
    expect(run).toMatchObject({ status: 'completed', remaining_steps: 0 });
    expect([...steps.keys()]).toEqual(['a', 'b', 'c', 'd']);
    for (const step of steps.values()) expect(step).toMatchObject({ status: 'completed', attempts_count: 1 });
    const at = (step: string, when: 'started_at' | 'completed_at') =>
      steps.get(step)?.[when].getTime() ?? Number.NaN;
    for (const branch of ['b', 'c'])
      expect(at(branch, 'started_at')).toBeGreaterThanOrEqual(at('a', 'completed_at'));
    expect(at('d', 'started_at')).toBeGreaterThanOrEqual(
      Math.max(at('b', 'completed_at'), at('c', 'completed_at')),
    );
  });

  test('enqueue → start: the handler of the probe flow starts once', async () => {
    const key = randomUUID();
    const before = started().done.probe;
    await started().enqueueToStart(key);
    expect(started().done.probe).toBe(before + 1);
  });

  test(`a burn-down of ${BURN_DOWN} no-op runs started up front drains, every run once`, async () => {
    const before = started().done.noop;
    const ms = await started().noopThroughput(BURN_DOWN);
    expect(ms).toBeGreaterThan(0);
    expect(started().done.noop).toBe(before + BURN_DOWN);
    const { rows } = await db.pool.query<{ runs: number; completed: number; once: number }>(
      `select count(distinct r.run_id)::int as runs,
              count(*) filter (where r.status = 'completed')::int as completed,
              count(*) filter (where t.status = 'completed' and t.attempts_count = 1)::int as once
       from pgflow.runs r join pgflow.step_tasks t using (run_id)
       where r.flow_slug = $1`,
      [PGFLOW_FLOWS.noop.slug],
    );
    expect(rows).toEqual([{ runs: BURN_DOWN, completed: BURN_DOWN, once: BURN_DOWN }]);
    // every message was archived by complete_task: nothing left in the flow's queue
    const { rows: left } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from pgmq.q_pgflow_noop`,
    );
    expect(left).toEqual([{ n: 0 }]);
  });

  test('stop ends the loops and releases every connection', async () => {
    await started().stop();
    peer = undefined;
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and application_name like 'pgflow-peer%'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
