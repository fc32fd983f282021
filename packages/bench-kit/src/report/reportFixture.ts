/**
 * A fixed result set for the report tests (snapshot, schema): two suites with benches on and over
 * target, withheld percentiles, a failed test and every kind of recorded measurement, a third with a
 * comparison of three systems (peersSuite); and a fixed
 * environment whose description carries a password that must never reach any output.
 */
import { seededRandom } from '../stats/seededRandom.ts';
import { summarizeSamples } from '../stats/summarizeSamples.ts';
import { describeEnvironment, type RunEnvironment } from './environment.ts';
import type { SuiteResult } from './suiteResult.ts';

export const FIXTURE_PASSWORD = 's3cret-pw';
/** a round trip of 0.05 ms: the fixture's 0.9 ms p50 is 18 round trips */
export const FIXTURE_FLOOR = { roundTripMs: 0.05, notifyMs: 0.125, commitMs: 0.4, tries: 300 };

const random = seededRandom(2024);
const round = (x: number) => Math.round(x * 10_000) / 10_000;
/** 140 fast samples around 0.9 ms, 10 slow ones above 3 ms: p50 within 1 ms, p95 over 2 ms */
const payload = [
  ...Array.from({ length: 140 }, () => round(0.6 + 0.6 * random())),
  ...Array.from({ length: 10 }, () => round(3 + random())),
];
/** 40 samples: enough for p95, not for p99 */
const signalOnly = Array.from({ length: 40 }, () => round(0.4 + 0.5 * random()));
const fanOut = Array.from({ length: 12 }, () => round(1 + random()));

/** Built the way the reporter builds it, from a provided context whose texts hold the password. */
export const fixtureEnvironment: RunEnvironment = {
  ...describeEnvironment({
    provided: {
      provider: 'url',
      description: `existing server postgres://bench:${FIXTURE_PASSWORD}@db.internal:5432/tasker`,
      adminUrl: `postgres://bench:${FIXTURE_PASSWORD}@db.internal:5432/tasker`,
      runId: 'fixture',
      templateDatabase: 'tasker_fixture_tpl',
      serverVersion: '18.1',
      pgmq: 'extension',
      settings: { shared_buffers: '32768 8kB', synchronous_commit: 'on', max_connections: '300' },
      floor: FIXTURE_FLOOR,
    },
    profile: 'quick',
    moduleRunner: 'native',
    now: new Date('2025-01-31T14:25:01.000Z'),
    commit: '0123456789abcdef0123456789abcdef01234567',
  }),
  // the machine-dependent parts, fixed for the snapshot
  node: 'v22.23.3',
  os: 'linux 6.1.0',
  cpu: { model: 'Fixture CPU @ 3.0GHz', count: 2 },
};

export const eventPropagation: SuiteResult = {
  suite: 'event_propagation',
  file: 'packages/shared/bench/event_propagation.bench.ts',
  project: 'shared (bench)',
  benches: [
    {
      name: 'payload notification',
      test: 'notify → listener',
      summary: summarizeSamples(payload),
      opsPerSecond: 800,
      samplesMs: payload,
      fromStore: false,
    },
    {
      name: 'signal-only notification',
      test: 'notify → listener',
      summary: summarizeSamples(signalOnly),
      opsPerSecond: 1500,
      samplesMs: signalOnly,
      fromStore: false,
    },
  ],
  records: [
    {
      name: 'fan-out to 5 listeners',
      test: 'fan-out',
      measurement: {
        kind: 'latency',
        samplesMs: fanOut,
        note: 'time until the last of 5 listeners hears it',
      },
      summary: summarizeSamples(fanOut),
    },
    {
      name: 'notify breakdown',
      test: 'notify → listener',
      measurement: {
        kind: 'breakdown',
        phasesMs: { send: 0.21, 'commit + notify': 0.35, 'listener wake-up': 0.3 },
      },
    },
    {
      name: 'pgmq_send_with_notify',
      test: 'notify → listener',
      measurement: {
        kind: 'plan',
        plan: {
          executionMs: 0.412,
          planningMs: 0.051,
          topNodeTypes: [
            { nodeType: 'Seq Scan', selfMs: 0.3, count: 1 },
            { nodeType: 'Result', selfMs: 0.01, count: 1 },
          ],
          seqScans: [{ relation: 'pgmq.q_bench', rowsTouched: 25_000 }],
          warnings: ['Seq Scan on pgmq.q_bench touched 25,000 rows (> 10,000)'],
          bufferHitRatio: 0.98,
          sharedHitBlocks: 49,
          sharedReadBlocks: 1,
        },
      },
    },
  ],
  failures: [],
};

export const pgmqSuite: SuiteResult = {
  suite: 'pgmq',
  file: 'packages/shared/bench/pgmq.bench.ts',
  project: 'shared (bench)',
  benches: [],
  records: [
    {
      name: 'send (single)',
      test: 'sends',
      measurement: { kind: 'throughput', perSecond: 1_820, unit: 'msgs', count: 9_100, durationMs: 5_000 },
    },
    {
      name: 'send (batch 100)',
      test: 'sends',
      measurement: { kind: 'throughput', perSecond: 52_000, unit: 'msgs' },
    },
    { name: 'queue table', test: 'sends', measurement: { kind: 'bytes', bytes: 1_048_576 } },
    {
      name: 'read latency growth',
      test: 'depth',
      measurement: { kind: 'growth', ratio: 1.18, from: '100 messages', to: '100K messages' },
    },
  ],
  context: [
    {
      name: 'queue kind',
      test: 'sends',
      value: 'logged',
      note: 'the bench queue is a logged table, as every tasker queue is',
    },
  ],
  failures: [{ test: 'logged vs unlogged', message: 'relation "pgmq.q_unlogged" does not exist' }],
};

const around = (n: number, center: number, spread: number) =>
  Array.from({ length: n }, () => round(center + spread * random()));
const chain = { alpha: around(120, 9, 3), beta: around(120, 7, 6), gamma: around(30, 40, 20) };

/**
 * Three systems side by side (recordComparison): a latency measure (gamma with too few samples for
 * a p99), a throughput, a cost gamma's meter could not read, and an idle figure the reference has
 * at 0, so every kind of cell — a figure and its ratio, no figure, no ratio — is in the table.
 */
export const peersSuite: SuiteResult = {
  suite: 'peers',
  file: 'packages/e2e/bench/peers.bench.ts',
  project: 'e2e (bench)',
  benches: [],
  records: [
    ...Object.entries(chain).map(([system, samplesMs]) => ({
      name: `chain: ${system}`,
      test: 'side by side',
      measurement: { kind: 'latency' as const, samplesMs },
      summary: summarizeSamples(samplesMs),
    })),
    ...(
      [
        ['alpha', 1_200],
        ['beta', 900],
        ['gamma', 300],
      ] as const
    ).map(([system, perSecond]) => ({
      name: `${system}: burn-down`,
      test: 'side by side',
      measurement: { kind: 'throughput' as const, perSecond, unit: 'jobs', count: 500 },
    })),
    ...(
      [
        ['alpha', 0.8],
        ['beta', 1.1],
      ] as const
    ).map(([system, value]) => ({
      name: `${system}: CPU ms per job`,
      test: 'side by side',
      measurement: { kind: 'value' as const, value, unit: 'ms/job', better: 'lower' as const },
    })),
    ...(
      [
        ['alpha', 0],
        ['beta', 2],
        ['gamma', 120],
      ] as const
    ).map(([system, value]) => ({
      name: `${system}: idle statements per second`,
      test: 'side by side',
      measurement: { kind: 'value' as const, value, unit: 'statements/s', better: 'lower' as const },
    })),
  ],
  comparisons: [
    {
      title: 'peers',
      test: 'side by side',
      comparison: {
        reference: 'alpha',
        note: 'The fixture of the report tests.',
        measures: [
          { name: 'chain', kind: 'latency', unit: 'ms', better: 'lower', note: '4 dependent jobs' },
          { name: 'burn-down', kind: 'value', unit: 'jobs/s', better: 'higher' },
          { name: 'CPU', kind: 'value', unit: 'ms/job', better: 'lower' },
          { name: 'idle statements', kind: 'value', unit: 'statements/s', better: 'lower' },
        ],
        rows: ['alpha', 'beta', 'gamma'].map((system) => ({
          name: system,
          note: `${system} as configured for the fixture`,
          figures: {
            chain: { record: `chain: ${system}` },
            'burn-down': { record: `${system}: burn-down` },
            CPU:
              system === 'gamma'
                ? { unavailable: 'PostgreSQL CPU: the server is not local' }
                : { record: `${system}: CPU ms per job` },
            'idle statements': { record: `${system}: idle statements per second` },
          },
        })),
      },
    },
  ],
  failures: [],
};
