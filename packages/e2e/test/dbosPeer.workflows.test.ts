/**
 * The DBOS peers (src/peers/dbosPeer.ts) on the test's own database: for both, direct and queued, a
 * chain of 4, a diamond and a small burn-down complete, each workflow exactly once with each of its
 * steps checkpointed once (DBOS's own tables say so: `dbos.workflow_status`, `operation_outputs`);
 * the queued ones went through the queue and the direct ones did not; stop() leaves no session
 * behind and no database besides the test's, and DBOS launches again in the same process after it
 * (the step_cost bench starts and stops each system twice).
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@tasker/bench-kit';
import { eventually } from '@tasker/shared/testing';
import pg from 'pg';
import { expect, test } from 'vitest';
import { startDbosPeers } from '../src/peers/dbosPeer.ts';
import type { Peer } from '../src/peers/signals.ts';
import { otherSessions } from './helpers.ts';

const db = useTestDatabase();
const BURN_DOWN = 25;

/** One query on a connection of its own, closed at once: the session counts see only DBOS's. */
async function query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Workflows DBOS recorded, by name and queue: how many, and how many ended SUCCESS. */
async function workflowsByName(): Promise<Record<string, { n: number; succeeded: number }>> {
  const rows = await query<{ name: string; queue: string | null; n: number; succeeded: number }>(
    `select name, queue_name as queue, count(*)::int as n,
            count(*) filter (where status = 'SUCCESS')::int as succeeded
     from dbos.workflow_status group by name, queue_name order by name, queue_name`,
  );
  return Object.fromEntries(
    rows.map((row) => [`${row.name} ${row.queue ?? 'direct'}`, { n: row.n, succeeded: row.succeeded }]),
  );
}

/** The steps of every workflow named `name`, as one sorted list per workflow, by function id. */
async function stepsOf(name: string): Promise<string[][]> {
  const rows = await query<{ steps: string[] }>(
    `select array_agg(o.function_name order by o.function_id) as steps
     from dbos.workflow_status s join dbos.operation_outputs o using (workflow_uuid)
     where s.name = $1 group by s.workflow_uuid`,
    [name],
  );
  return rows.map((row) => row.steps);
}

async function databasesBesidesOurs(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    `select datname from pg_database where datname like $1 || '%' and datname <> $1`,
    [db.name],
  );
  return rows.map((row) => row.datname);
}

async function expectReleased(before: number) {
  await eventually('every connection of the peers to be released', async () => {
    return (await otherSessions(db.connectionString)) === before;
  });
}

test('direct and queued: a chain, a diamond and a burn-down complete, each exactly once; stop() releases every connection', {
  timeout: 60_000,
}, async () => {
  const before = await otherSessions(db.connectionString);
  const peers: Peer[] = await startDbosPeers(db.connectionString);
  try {
    expect(peers.map((peer) => peer.name)).toEqual(['DBOS (direct)', 'DBOS (queue)']);
    expect(peers[0]?.configuration).toMatch(/^DBOS Transact 5\.\d+\.\d+ \(direct\)/);
    expect(peers[1]?.configuration).toMatch(/workerConcurrency 10, minPollingIntervalMs \d+/);
    expect(await otherSessions(db.connectionString)).toBeGreaterThan(before);
    for (const peer of peers) {
      await peer.chainOfFour(randomUUID());
      await peer.diamond(randomUUID());
      await peer.enqueueToStart(randomUUID());
      const ms = await peer.noopThroughput(BURN_DOWN);
      expect(ms).toBeGreaterThan(0);
      expect({ name: peer.name, ...peer.done }).toEqual({
        name: peer.name,
        noop: BURN_DOWN,
        probe: 1,
        chains: 1,
        diamonds: 1,
      });
    }
    // each workflow ran to SUCCESS once: the queued ones on peer_queue (with the start-up probe),
    // the direct ones on no queue
    await eventually('every workflow to have succeeded', async () => {
      const byName = await workflowsByName();
      return Object.values(byName).every(({ n, succeeded }) => n === succeeded);
    });
    expect(await workflowsByName()).toEqual({
      'peer_chain direct': { n: 1, succeeded: 1 },
      'peer_chain peer_queue': { n: 1, succeeded: 1 },
      'peer_diamond direct': { n: 1, succeeded: 1 },
      'peer_diamond peer_queue': { n: 1, succeeded: 1 },
      'peer_noop direct': { n: BURN_DOWN, succeeded: BURN_DOWN },
      'peer_noop peer_queue': { n: BURN_DOWN, succeeded: BURN_DOWN },
      'peer_probe direct': { n: 1, succeeded: 1 },
      'peer_probe peer_queue': { n: 2, succeeded: 2 },
    });
    // every step checkpointed once, in order: the chain's 4; the diamond's A, then B and C, then D
    expect(await stepsOf('peer_chain')).toEqual([
      ['step_1', 'step_2', 'step_3', 'step_4'],
      ['step_1', 'step_2', 'step_3', 'step_4'],
    ]);
    expect(await stepsOf('peer_diamond')).toEqual([
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c', 'd'],
    ]);
  } finally {
    await peers[0]?.stop();
  }
  await expectReleased(before);
  // the system tables are in the given database (schema dbos): DBOS created no database of its own
  expect(await databasesBesidesOurs()).toEqual([]);
});

test('launches again in the same process after stop(), and stops clean again', {
  timeout: 60_000,
}, async () => {
  const before = await otherSessions(db.connectionString);
  const peers = await startDbosPeers(db.connectionString);
  try {
    for (const peer of peers) {
      await peer.chainOfFour(randomUUID());
      expect(peer.done).toEqual({ noop: 0, probe: 0, chains: 1, diamonds: 0 });
    }
    // stopping one stops the shared launch; the other's stop is the same shutdown
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
  }
  await expectReleased(before);
  await expect(
    startDbosPeers(db.connectionString).then((again) => again[0]?.stop()),
  ).resolves.toBeUndefined();
  await expectReleased(before);
});
