/**
 * tasker beside the Postgres job queues Node users pick today, graphile-worker 0.18 and pg-boss 12,
 * on the same PostgreSQL and the file's database, each configured for low latency as its docs
 * recommend (see src/peers/): (a) throughput of N no-op jobs enqueued at once, (b) enqueue →
 * handler start, (c) a chain of 4 dependent jobs, each adding the next (tasker: the linear
 * 4-step workflow, POST → completion event). (b) and (c) call the systems in turn, one call each per
 * round (sampleInterleaved: `bench.compare` in Vitest 5.1 runs its benches one after another, which
 * let a busy minute of the shared machine fall on one system only); every figure is also recorded as
 * a ratio to tasker, and to tasker with the inline result hand-off (11_worker_claim_submit.sql), which runs as
 * a fourth system. Afterwards each system must have finished exactly the jobs it was given. (a) runs
 * under the cost meter: CPU, statements, commits and WAL per job (per step), beside the rate.
 */

import { randomUUID } from 'node:crypto';
import {
  activeProfile,
  benchSettings,
  median,
  record,
  recordContext,
  recordCost,
  sampleInterleaved,
  startCostMeter,
  benchTest as test,
} from '@tasker/bench-kit';
import { expect } from 'vitest';
import { startGraphileWorkerPeer } from '../src/peers/graphileWorkerPeer.ts';
import { startPgBossPeer } from '../src/peers/pgBossPeer.ts';
import type { Peer } from '../src/peers/signals.ts';
import { startTaskerPeers } from '../src/peers/taskerPeer.ts';

const NOOP_JOBS = activeProfile() === 'full' ? 2_000 : 500;
const TIMEOUT_MS = 600_000;

test('tasker vs graphile-worker vs pg-boss', { timeout: TIMEOUT_MS }, async ({ db, task }) => {
  const peers: Peer[] = [];
  try {
    peers.push(...(await startTaskerPeers(db.connectionString)));
    peers.push(await startGraphileWorkerPeer(db.connectionString));
    peers.push(await startPgBossPeer(db.connectionString));
    const taskers = peers.filter((peer) => peer.name.startsWith('tasker'));
    const others = peers.filter((peer) => !peer.name.startsWith('tasker'));
    await recordContext(
      task,
      'configuration',
      `${peers.length} systems`,
      peers.map((peer) => peer.configuration).join(' | '),
    );

    // (a) throughput, one at a time (each saturates the machine), each under the cost meter
    const perSecond = new Map<string, number>();
    for (const peer of peers) {
      const meter = await startCostMeter({ connectionString: db.connectionString });
      const ms = await peer.noopThroughput(NOOP_JOBS);
      const cost = await meter.stop();
      await recordCost(task, peer.name, cost, {
        count: NOOP_JOBS,
        unit: peer.name.startsWith('tasker') ? 'step' : 'job',
        note: `${NOOP_JOBS} no-op jobs enqueued at once, then drained; the other systems idle in the same process and database meanwhile, and their polling counts (step_cost.bench.ts meters each system alone)`,
      });
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

    // (b) and (c): the systems in turn, round by round
    const settings = benchSettings('e2e');
    const calls = settings.warmupIterations + settings.iterations;
    const interleaved = (what: string, call: (peer: Peer) => Promise<void>) =>
      sampleInterleaved(
        Object.fromEntries(peers.map((peer) => [`${what}: ${peer.name}`, () => call(peer)])),
        { rounds: settings.iterations, warmupRounds: settings.warmupIterations },
      );
    const starts = await interleaved('enqueue → handler start', (peer) => peer.enqueueToStart(randomUUID()));
    const chains = await interleaved('chain of 4', (peer) => peer.chainOfFour(randomUUID()));
    const p50 = new Map<string, number>();
    for (const samples of [starts, chains])
      for (const [name, samplesMs] of samples) {
        p50.set(name, median(samplesMs));
        await record(task, name, {
          kind: 'latency',
          samplesMs,
          note: `${samplesMs.length} calls after ${settings.warmupIterations} warm-up rounds, the ${peers.length} systems called in turn (first in each round rotating)`,
        });
      }

    // every system finished exactly the jobs it was given, no more, no fewer
    for (const peer of peers)
      expect({ name: peer.name, ...peer.done }).toEqual({
        name: peer.name,
        noop: NOOP_JOBS,
        probe: calls,
        chains: calls,
        diamonds: 0,
      });

    // every ratio is to each tasker variant; the target (registry) is on the default one, `tasker`
    for (const tasker of taskers)
      for (const peer of others) {
        const taskerRate = perSecond.get(tasker.name) ?? Number.NaN;
        const rate = perSecond.get(peer.name) ?? Number.NaN;
        const ratios: Array<[string, number, string]> = [
          [
            `ratio ${peer.name}/${tasker.name}: no-op jobs per second`,
            rate / taskerRate,
            `${peer.name} ${rate.toFixed(0)}/s, ${tasker.name} ${taskerRate.toFixed(0)}/s (> 1: the peer is faster)`,
          ],
        ];
        for (const what of ['enqueue → handler start', 'chain of 4']) {
          const own = p50.get(`${what}: ${peer.name}`) ?? Number.NaN;
          const ours = p50.get(`${what}: ${tasker.name}`) ?? Number.NaN;
          ratios.push([
            `ratio ${tasker.name}/${peer.name}: ${what} p50`,
            ours / own,
            `${tasker.name} p50 ${ours.toFixed(2)} ms, ${peer.name} p50 ${own.toFixed(2)} ms (> 1: tasker is slower)`,
          ]);
        }
        for (const [name, value, note] of ratios) {
          expect(Number.isFinite(value) && value > 0, `${name} = ${value}`).toBe(true);
          await record(task, name, { kind: 'value', value, unit: 'x', note });
        }
      }
  } finally {
    for (const peer of peers.reverse()) await peer.stop().catch(() => undefined);
  }
});
