/**
 * tasker beside the Postgres job queues Node users pick today, graphile-worker 0.18 and pg-boss 12,
 * on the same PostgreSQL and the file's database, each configured for low latency as its docs
 * recommend (see src/peers/): (a) throughput of N no-op jobs enqueued at once, (b) enqueue →
 * handler start, (c) a chain of 4 dependent jobs, each adding the next (tasker: the linear
 * 4-step workflow, POST → completion event). (b) and (c) are bench.compare groups (in Vitest 5.1 they
 * run one after another, not interleaved); every figure is also recorded as a ratio to tasker, and to
 * tasker with the inline result hand-off (migration 000017), which runs as a fourth system.
 */

import { randomUUID } from 'node:crypto';
import { activeProfile, benchSettings, record, benchTest as test } from '@tasker/bench-kit';
import { startGraphileWorkerPeer } from '../src/peers/graphileWorkerPeer.ts';
import { startPgBossPeer } from '../src/peers/pgBossPeer.ts';
import type { Peer } from '../src/peers/signals.ts';
import { startTaskerPeers } from '../src/peers/taskerPeer.ts';

const NOOP_JOBS = activeProfile() === 'full' ? 2_000 : 500;
const TIMEOUT_MS = 600_000;

test('tasker vs graphile-worker vs pg-boss', { timeout: TIMEOUT_MS }, async ({ bench, db, task }) => {
  const peers: Peer[] = [];
  try {
    peers.push(...(await startTaskerPeers(db.connectionString)));
    peers.push(await startGraphileWorkerPeer(db.connectionString));
    peers.push(await startPgBossPeer(db.connectionString));
    const taskers = peers.filter((peer) => peer.name.startsWith('tasker'));
    const others = peers.filter((peer) => !peer.name.startsWith('tasker'));
    await record(task, 'configuration', {
      kind: 'value',
      value: peers.length,
      unit: 'systems',
      note: peers.map((peer) => peer.configuration).join(' | '),
    });

    // (a) throughput, one at a time (each saturates the machine)
    const perSecond = new Map<string, number>();
    for (const peer of peers) {
      const ms = await peer.noopThroughput(NOOP_JOBS);
      perSecond.set(peer.name, (NOOP_JOBS * 1000) / ms);
      await record(task, `${peer.name}: ${NOOP_JOBS} no-op jobs`, {
        kind: 'throughput',
        perSecond: (NOOP_JOBS * 1000) / ms,
        unit: 'jobs',
        count: NOOP_JOBS,
        durationMs: ms,
        note: 'enqueued at once; first handler start → last completion (tasker: last task finalized)',
      });
    }

    // (b) and (c)
    const starts = await bench.compare(
      ...peers.map((peer) =>
        bench(`enqueue → handler start: ${peer.name}`, async () => {
          await peer.enqueueToStart(randomUUID());
        }),
      ),
      benchSettings('e2e'),
    );
    const chains = await bench.compare(
      ...peers.map((peer) =>
        bench(`chain of 4: ${peer.name}`, async () => {
          await peer.chainOfFour(randomUUID());
        }),
      ),
      benchSettings('e2e'),
    );

    // every ratio is to each tasker variant; the target (registry) is on the default one, `tasker`
    for (const tasker of taskers)
      for (const peer of others) {
        const taskerRate = perSecond.get(tasker.name) ?? Number.NaN;
        const rate = perSecond.get(peer.name) ?? Number.NaN;
        await record(task, `ratio ${peer.name}/${tasker.name}: no-op jobs per second`, {
          kind: 'value',
          value: rate / taskerRate,
          unit: 'x',
          // the peer's rate over tasker's: lower is better for tasker
          better: 'lower',
          note: `${peer.name} ${rate.toFixed(0)}/s, ${tasker.name} ${taskerRate.toFixed(0)}/s (> 1: the peer is faster)`,
        });
        const pairs = [
          [
            'enqueue → handler start',
            starts.get(`enqueue → handler start: ${peer.name}`).latency.p50,
            starts.get(`enqueue → handler start: ${tasker.name}`).latency.p50,
          ],
          [
            'chain of 4',
            chains.get(`chain of 4: ${peer.name}`).latency.p50,
            chains.get(`chain of 4: ${tasker.name}`).latency.p50,
          ],
        ] as const;
        for (const [what, own, ours] of pairs) {
          await record(task, `ratio ${tasker.name}/${peer.name}: ${what} p50`, {
            kind: 'value',
            value: ours / own,
            unit: 'x',
            better: 'lower',
            note: `${tasker.name} p50 ${ours.toFixed(2)} ms, ${peer.name} p50 ${own.toFixed(2)} ms (> 1: tasker is slower)`,
          });
        }
      }
  } finally {
    for (const peer of peers.reverse()) await peer.stop().catch(() => undefined);
  }
});
