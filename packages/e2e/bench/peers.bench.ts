/**
 * tasker beside its peers — the job queues and the workflow engines on PostgreSQL that a Node user
 * weighs against it (src/peers/index.ts: PEER_SYSTEMS, each configured for low latency as its docs
 * recommend, its configuration in the report) — on the same server and the file's database, in one
 * run. Every figure is also a ratio to tasker, gathered in one table (recordComparison).
 *
 * 0. The server alone, idle for IDLE_MS under the cost meter: what every idle figure includes.
 * 1. Each system alone (started, the others stopped: statements, commits, WAL and PostgreSQL CPU are
 *    counted server- or database-wide, and an idle system still polls):
 *    - burn-down: N no-op jobs (tasker: one-step tasks) inserted up front, then drained; jobs per
 *      second from the first handler start to the last completion, under the cost meter: CPU ms of
 *      PostgreSQL and of the system (this process), statements, commits and WAL bytes per job;
 *    - idle: nothing to do for IDLE_MS after it, metered again: the PostgreSQL CPU ms and statements
 *      per second while the system waits for work. A system that runs two peers (tasker's
 *      hand-offs, DBOS's direct and queue) idles as one: both its rows show that figure.
 * 2. Every system together, called in turn, one call each per round (sampleInterleaved: a busy
 *    minute of the shared machine falls on every system alike): enqueue → handler start, a chain of
 *    4 dependent jobs, and a diamond of 4 (A, then B and C in parallel, then D after both), end to
 *    end, p50/p95/p99.
 * Each system must have finished exactly the jobs it was given, no more, no fewer.
 */

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  activeProfile,
  benchSettings,
  type ComparisonFigure,
  type ComparisonMeasure,
  type CostCount,
  type CostFigures,
  median,
  PEERS_NAMES,
  record,
  recordComparison,
  recordContext,
  recordCost,
  sampleInterleaved,
  startCostMeter,
  benchTest as test,
} from '@tasker/bench-kit';
import { expect, type RunnerTestCase } from 'vitest';
import { PEER_SYSTEMS, type PeerSystem } from '../src/peers/index.ts';
import { type JobCounts, noJobs, type Peer } from '../src/peers/signals.ts';

const FULL = activeProfile() === 'full';
/** no-op jobs in each metered burn-down */
const NOOP_JOBS = FULL ? 2_000 : 500;
/** an unmetered burn-down after each start: connections, plans and JIT warm before the meter */
const WARMUP_JOBS = 50;
/** the idle window after a system's burn-down (and of the server alone) */
const IDLE_MS = 10_000;
/** between the burn-down's last completion and the idle window: its follow-up work settles */
const SETTLE_MS = 1_000;
/** the system every ratio is to, and whose peers the targets hold */
const REFERENCE = 'tasker';
const TIMEOUT_MS = 900_000;
const LATENCIES = ['enqueue → handler start', 'chain of 4', 'diamond'] as const;

const MEASURES: ComparisonMeasure[] = [
  {
    name: 'chain of 4',
    kind: 'latency',
    unit: 'ms',
    better: 'lower',
    note: '4 dependent jobs (tasker: the linear 4-step workflow), from the enqueue of the first to the end of the 4th; the systems together, called in turn',
  },
  {
    name: 'diamond',
    kind: 'latency',
    unit: 'ms',
    better: 'lower',
    note: 'A, then B and C (after A, in parallel), then D after both (tasker: diamond_pattern; the job queues join B and C through a counter row of the bench), from the enqueue of A to the end of D',
  },
  {
    name: 'burn-down',
    kind: 'value',
    unit: 'jobs/s',
    better: 'higher',
    note: `${NOOP_JOBS} no-op jobs inserted up front, then drained, the system alone on the server: first handler start → last completion`,
  },
  ...(
    [
      ['PostgreSQL CPU', 'ms/job', "the server's processes (every backend and background process)"],
      ['system CPU', 'ms/job', "the system's processes (this process: its client, workers and dispatch)"],
      ['statements', 'statements/job', "top-level statements in the bench's database (pg_stat_statements)"],
      ['commits', 'commits/job', 'write transactions committed, server-wide'],
      ['WAL bytes', 'bytes/job', 'WAL inserted, server-wide'],
    ] as const
  ).map(
    ([name, unit, what]): ComparisonMeasure => ({
      name,
      kind: 'value',
      unit,
      better: 'lower',
      note: `per no-op job of the burn-down (tasker: per one-step task), ${what}`,
    }),
  ),
  {
    name: 'idle PostgreSQL CPU',
    kind: 'value',
    unit: 'ms/s',
    better: 'lower',
    note: `PostgreSQL CPU per second with nothing to do, ${IDLE_MS / 1000} s metered ${SETTLE_MS / 1000} s after the burn-down, the system alone on the server; a system of two peers idles as one`,
  },
  {
    name: 'idle statements',
    kind: 'value',
    unit: 'statements/s',
    better: 'lower',
    note: 'statements per second in the same window (pg_stat_statements: top-level statements; utility statements such as LISTEN, BEGIN and COMMIT only where track_utility is on)',
  },
];

/** One peer's cells of the table, by measure: the record each shows, or why there is none. */
type Cells = Record<string, ComparisonFigure>;

const unitOf = (system: PeerSystem) => (system.name === REFERENCE ? 'step' : 'job');

/** The cell of a cost figure recordCost recorded as `name`, or the meter's reason it could not. */
const costCell = (count: CostCount, name: string): ComparisonFigure =>
  count.state === 'measured' ? { record: name } : { unavailable: count.reason };

/** Records a window's idle figures under `label` and returns the cells that show them. */
async function recordIdle(
  task: RunnerTestCase,
  label: string,
  idle: CostFigures,
  what: string,
): Promise<Cells> {
  const cells: Cells = {};
  const figures = [
    ['idle PostgreSQL CPU', 'idle PostgreSQL CPU ms per second', idle.cpuMs.postgres, 'ms/s'],
    ['idle statements', 'idle statements per second', idle.statements, 'statements/s'],
  ] as const;
  for (const [measure, figure, count, unit] of figures) {
    if (count.state === 'unavailable') {
      cells[measure] = { unavailable: count.reason };
      continue;
    }
    const name = PEERS_NAMES.peerFigure({ peer: label, figure });
    await record(task, name, {
      kind: 'value',
      value: (count.value * 1000) / idle.durationMs,
      unit,
      better: 'lower',
      note: `${what}; metered for ${(idle.durationMs / 1000).toFixed(1)} s`,
    });
    cells[measure] = { record: name };
  }
  return cells;
}

/** The burn-down of one peer under the cost meter: its rate and its cells. */
async function burnDown(
  task: RunnerTestCase,
  connectionString: string,
  system: PeerSystem,
  peer: Peer,
): Promise<{ rate: number; cells: Cells }> {
  const meter = await startCostMeter({ connectionString });
  const ms = await peer.noopThroughput(NOOP_JOBS);
  const cost = await meter.stop();
  const unit = unitOf(system);
  const rate = (NOOP_JOBS * 1000) / ms;
  const name = `${peer.name}: ${NOOP_JOBS} no-op jobs`;
  await record(task, name, {
    kind: 'throughput',
    perSecond: rate,
    unit: 'jobs',
    count: NOOP_JOBS,
    durationMs: ms,
    note: `inserted up front, then drained, the system alone on the server (after ${WARMUP_JOBS} unmetered); first handler start → last completion (tasker: last task finalized)`,
  });
  await recordCost(task, peer.name, cost, {
    count: NOOP_JOBS,
    unit,
    note: `${NOOP_JOBS} no-op jobs inserted up front, then drained, the system alone on the server`,
  });
  const per = `per ${unit}`;
  return {
    rate,
    cells: {
      'burn-down': { record: name },
      'PostgreSQL CPU': costCell(cost.cpuMs.postgres, `${peer.name}: CPU ms ${per} (PostgreSQL)`),
      'system CPU': costCell(cost.cpuMs.system, `${peer.name}: CPU ms ${per} (system)`),
      statements: costCell(cost.statements, `${peer.name}: statements ${per}`),
      commits: costCell(cost.commits, `${peer.name}: commits ${per}`),
      'WAL bytes': { record: `${peer.name}: WAL bytes ${per}` },
    },
  };
}

const formatRate = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

test('tasker beside its peers', { timeout: TIMEOUT_MS }, async ({ db, task }) => {
  const idleWindow = async () => {
    const meter = await startCostMeter({ connectionString: db.connectionString });
    await sleep(IDLE_MS);
    return meter.stop();
  };

  // 0. the server alone
  const serverIdle = await idleWindow();
  await recordIdle(
    task,
    'server alone',
    serverIdle,
    'no system started: the server and its background processes',
  );

  // 1. each system alone: burn-down, then idle
  const cells = new Map<string, Cells>();
  const rates = new Map<string, number>();
  for (const system of PEER_SYSTEMS) {
    const peers = await system.start(db.connectionString);
    try {
      for (const peer of peers) await peer.noopThroughput(WARMUP_JOBS);
      for (const peer of peers) {
        const ran = await burnDown(task, db.connectionString, system, peer);
        rates.set(peer.name, ran.rate);
        cells.set(peer.name, ran.cells);
      }
      await sleep(SETTLE_MS);
      const idle = await recordIdle(
        task,
        system.name,
        await idleWindow(),
        `${peers.map((p) => p.name).join(' and ')} started, with nothing to do, ${SETTLE_MS / 1000} s after the last burn-down; the system alone on the server`,
      );
      for (const peer of peers) Object.assign(cells.get(peer.name) ?? {}, idle);
      for (const peer of peers)
        expect({ name: peer.name, ...peer.done }).toEqual({
          name: peer.name,
          ...noJobs(),
          noop: WARMUP_JOBS + NOOP_JOBS,
        } satisfies JobCounts & { name: string });
    } finally {
      for (const peer of [...peers].reverse()) await peer.stop().catch(() => undefined);
    }
  }

  // 2. every system together, called in turn, round by round
  const together: Array<{ system: PeerSystem; peer: Peer }> = [];
  try {
    for (const system of PEER_SYSTEMS)
      for (const peer of await system.start(db.connectionString)) together.push({ system, peer });
    const peers = together.map((t) => t.peer);
    await recordContext(
      task,
      'configuration',
      `${PEER_SYSTEMS.length} systems, ${peers.length} peers`,
      peers.map((peer) => peer.configuration).join(' | '),
    );
    const settings = benchSettings('e2e');
    const calls = settings.warmupIterations + settings.iterations;
    const calling: Record<(typeof LATENCIES)[number], (peer: Peer) => Promise<void>> = {
      'enqueue → handler start': (peer) => peer.enqueueToStart(randomUUID()),
      'chain of 4': (peer) => peer.chainOfFour(randomUUID()),
      diamond: (peer) => peer.diamond(randomUUID()),
    };
    const p50 = new Map<string, number>();
    for (const what of LATENCIES) {
      const samples = await sampleInterleaved(
        Object.fromEntries(peers.map((peer) => [`${what}: ${peer.name}`, () => calling[what](peer)])),
        { rounds: settings.iterations, warmupRounds: settings.warmupIterations },
      );
      for (const [name, samplesMs] of samples) {
        p50.set(name, median(samplesMs));
        await record(task, name, {
          kind: 'latency',
          samplesMs,
          note: `${samplesMs.length} calls after ${settings.warmupIterations} warm-up rounds, the ${peers.length} peers called in turn (first in each round rotating)`,
        });
      }
    }
    for (const peer of peers)
      for (const what of ['chain of 4', 'diamond'] as const)
        Object.assign(cells.get(peer.name) ?? {}, { [what]: { record: `${what}: ${peer.name}` } });

    // every system finished exactly the jobs it was given, no more, no fewer
    for (const peer of peers)
      expect({ name: peer.name, ...peer.done }).toEqual({
        name: peer.name,
        ...noJobs(),
        probe: calls,
        chains: calls,
        diamonds: calls,
      } satisfies JobCounts & { name: string });

    // ratios as figures of their own, for the targets (registry) and the history: each peer of the
    // reference system against every other system's
    const ours = together.filter((t) => t.system.name === REFERENCE).map((t) => t.peer.name);
    const others = together.filter((t) => t.system.name !== REFERENCE).map((t) => t.peer.name);
    for (const tasker of ours)
      for (const peer of others) {
        const [rate, taskerRate] = [rates.get(peer) ?? Number.NaN, rates.get(tasker) ?? Number.NaN];
        const ratios: Array<[string, number, string]> = [
          [
            PEERS_NAMES.ratio({ over: peer, under: tasker, figure: 'no-op jobs per second' }),
            rate / taskerRate,
            `${peer} ${rate.toFixed(0)}/s, ${tasker} ${taskerRate.toFixed(0)}/s (> 1: the peer is faster)`,
          ],
        ];
        for (const what of LATENCIES) {
          const [own, theirs] = [
            p50.get(`${what}: ${tasker}`) ?? Number.NaN,
            p50.get(`${what}: ${peer}`) ?? Number.NaN,
          ];
          ratios.push([
            PEERS_NAMES.ratio({ over: tasker, under: peer, figure: `${what} p50` }),
            own / theirs,
            `${tasker} p50 ${own.toFixed(2)} ms, ${peer} p50 ${theirs.toFixed(2)} ms (> 1: tasker is slower)`,
          ]);
        }
        for (const [name, value, note] of ratios) {
          expect(Number.isFinite(value) && value > 0, `${name} = ${value}`).toBe(true);
          await record(task, name, { kind: 'value', value, unit: 'x', note });
        }
      }

    const idleCpu = serverIdle.cpuMs.postgres;
    const idleStatements = serverIdle.statements;
    const serverText = [
      idleCpu.state === 'measured'
        ? `${formatRate((idleCpu.value * 1000) / serverIdle.durationMs)} ms/s PostgreSQL CPU`
        : undefined,
      idleStatements.state === 'measured'
        ? `${formatRate((idleStatements.value * 1000) / serverIdle.durationMs)} statements/s`
        : undefined,
    ].filter(Boolean);
    await recordComparison(task, 'peers', {
      reference: REFERENCE,
      measures: MEASURES,
      rows: together.map(({ peer }) => ({
        name: peer.name,
        note: peer.configuration,
        figures: cells.get(peer.name) ?? {},
      })),
      note: `The server alone, before any system started, idled at ${serverText.join(' and ') || 'figures the meter could not read'}; the idle figures include that.`,
    });
  } finally {
    for (const { peer } of [...together].reverse()) await peer.stop().catch(() => undefined);
  }
});
