/**
 * What one step costs the machine, beside how fast it goes: a burn-down of no-op work — N jobs
 * enqueued at once, then drained — for tasker (each hand-off the peers bench runs; a job is a
 * one-step task, so steps = tasks) and for every other system of the peers bench (PEER_SYSTEMS in
 * src/peers/index.ts, the one list both benches run: no-op jobs, or one-step workflows), each under
 * the harness's cost meter: PostgreSQL CPU, the system's CPU, statements, commits and WAL per step
 * (per job), and steps per second. Each system runs alone on the database (started, warmed up, metered, stopped), since
 * statements, commits and WAL are counted server- or database-wide, and an idle system still polls;
 * the systems take turns, round by round, first place rotating.
 */
import {
  activeProfile,
  addCosts,
  type CostFigures,
  type CostPerUnit,
  record,
  recordContext,
  recordCost,
  STEP_COST_NAMES,
  startCostMeter,
  benchTest as test,
} from '@tasker/bench-kit';
import { expect } from 'vitest';
import { PEER_SYSTEMS, type PeerSystem } from '../src/peers/index.ts';

const FULL = activeProfile() === 'full';
/** jobs (tasker: one-step tasks) in each metered burn-down */
const JOBS_PER_ROUND = FULL ? 2_000 : 300;
/** metered burn-downs per system, the systems in turn */
const ROUNDS = FULL ? 3 : 2;
/** an unmetered burn-down after each start: connections, plans and JIT warm before the meter */
const WARMUP_JOBS = 50;
const REFERENCE = 'graphile-worker';
const TIMEOUT_MS = 1_200_000;

interface Totals {
  cost: CostFigures;
  jobs: number;
  busyMs: number;
  configuration: string;
}

const isTasker = (peer: { name: string }) => peer.name.startsWith('tasker');

test('cost per step: no-op burn-down', { timeout: TIMEOUT_MS }, async ({ db, task }) => {
  const totals = new Map<string, Totals>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = PEER_SYSTEMS.map((_, i) => PEER_SYSTEMS[(i + round) % PEER_SYSTEMS.length] as PeerSystem);
    for (const system of order) {
      const peers = await system.start(db.connectionString);
      try {
        for (const peer of peers) await peer.noopThroughput(WARMUP_JOBS);
        for (const peer of round % 2 === 0 ? peers : [...peers].reverse()) {
          const meter = await startCostMeter({ connectionString: db.connectionString });
          const busyMs = await peer.noopThroughput(JOBS_PER_ROUND);
          const cost = await meter.stop();
          // the work that was metered was done, each job once: as many handler runs as jobs
          // (tasker: every task's completion event arrived, each task counted once)
          expect({ name: peer.name, noop: peer.done.noop }).toEqual({
            name: peer.name,
            noop: WARMUP_JOBS + JOBS_PER_ROUND,
          });
          const seen = totals.get(peer.name);
          totals.set(peer.name, {
            cost: seen ? addCosts(seen.cost, cost) : cost,
            jobs: (seen?.jobs ?? 0) + JOBS_PER_ROUND,
            busyMs: (seen?.busyMs ?? 0) + busyMs,
            configuration: peer.configuration,
          });
        }
      } finally {
        for (const peer of [...peers].reverse()) await peer.stop().catch(() => undefined);
      }
    }
  }

  await recordContext(
    task,
    'configuration',
    `${totals.size} systems, ${ROUNDS} rounds of ${JOBS_PER_ROUND} no-op jobs each`,
    [...totals.values()].map((t) => t.configuration).join(' | '),
  );
  const perUnit = new Map<string, CostPerUnit>();
  for (const [name, { cost, jobs, busyMs }] of totals) {
    const unit = isTasker({ name }) ? 'step' : 'job';
    const what = isTasker({ name }) ? 'one-step no-op tasks' : 'no-op jobs';
    perUnit.set(
      name,
      await recordCost(task, name, cost, {
        count: jobs,
        unit,
        note: `${ROUNDS} burn-downs of ${JOBS_PER_ROUND} ${what}, each enqueued at once then drained, metered from before the enqueue to the last completion (tasker: its bulk run restarts its one worker inside the window); the system alone on the database`,
      }),
    );
    await record(task, `${name}: no-op ${unit}s per second`, {
      kind: 'throughput',
      perSecond: (jobs * 1000) / busyMs,
      unit: `${unit}s`,
      count: jobs,
      durationMs: busyMs,
      note: 'first handler start → last completion (tasker: last task finalized), summed over the rounds',
    });
  }

  const reference = perUnit.get(REFERENCE);
  for (const [name, ours] of perUnit) {
    if (!isTasker({ name })) continue;
    const ratioName = STEP_COST_NAMES.ratio({ over: name, under: REFERENCE, figure: 'CPU ms per step' });
    if (ours.cpuMs.total === undefined || reference?.cpuMs.total === undefined) {
      await recordContext(task, ratioName, 'unavailable', 'a CPU figure of either side was not measured');
      continue;
    }
    const ratio = ours.cpuMs.total / reference.cpuMs.total;
    expect(Number.isFinite(ratio) && ratio > 0, `${ratioName} = ${ratio}`).toBe(true);
    await record(task, ratioName, {
      kind: 'value',
      value: ratio,
      unit: 'x',
      better: 'lower',
      note: `${name} ${ours.cpuMs.total.toFixed(3)} ms per step (PostgreSQL ${ours.cpuMs.postgres?.toFixed(3)}, system ${ours.cpuMs.system?.toFixed(3)}), ${REFERENCE} ${reference.cpuMs.total.toFixed(3)} ms per job (PostgreSQL ${reference.cpuMs.postgres?.toFixed(3)}, system ${reference.cpuMs.system?.toFixed(3)}) (> 1: tasker costs more)`,
    });
  }
});
