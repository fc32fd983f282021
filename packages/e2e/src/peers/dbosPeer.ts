/**
 * DBOS Transact 5 as two peers on one launch. DBOS is a process-wide singleton (DBOS.setConfig,
 * DBOS.launch, DBOS.shutdown); its system tables go into the given database, schema `dbos`
 * (systemDatabaseSchemaName), so nothing outside that database is created. The workflows are
 * registered once per process, before the first launch, and survive DBOS.shutdown (a shutdown
 * without `deregister` keeps the registry), so the peers can be started again after a stop.
 *
 * A job is a workflow here; every step is a DBOS.runStep, checkpointed in `dbos.operation_outputs`
 * when it returns. The chain is one workflow of 4 steps, each taking the previous step's result; the
 * diamond is one workflow: A, then B and C started together (two DBOS.runStep calls under one
 * Promise.all: DBOS assigns a step's id before its first await, so concurrent steps are replayed in
 * call order), then D on both results. A call resolves when the workflow's last step has returned
 * (its checkpoint committed), signalled from the workflow itself, as the job queues signal from
 * their last job's handler.
 *
 * - `DBOS (direct)`: DBOS.startWorkflow without a queue, which runs the workflow in this process at
 *   once: its steps run in the caller and are checkpointed there, no dispatch hop.
 * - `DBOS (queue)`: the same workflows through a database-backed queue (DBOS.registerQueue, after
 *   launch as 5.x requires), workerConcurrency 10. DBOS queues are polled, with no LISTEN wake-up:
 *   enqueue → start waits for the next poll of the queue (minPollingIntervalMs, default 1,000 ms,
 *   here 1 ms: see QUEUE_POLLING_MS), and the polls go on while the queue is idle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DBOS, type DLogger } from '@dbos-inc/dbos-sdk';
import { BulkRun, type JobCounts, noJobs, type Peer, Signals } from './signals.ts';

const CONCURRENCY = 10;
/**
 * The queue's polling interval, as low as DBOS allows: its docs give a default of 1,000 ms and no
 * floor, the SDK rejects only values ≤ 0, and Node's timers go no finer than 1 ms. An idle poll is
 * one transaction of four statements (begin, the latest application version, `select … for update
 * skip locked` of the enqueued, commit), backed off ×2 under lock contention and decaying ×0.9
 * back to this minimum; DBOS also lists its queues and moves delayed workflows once a second,
 * whatever this is. Measured here (2 shared cores, embedded PostgreSQL 18): 1 ms gives about
 * 260 commits a second idle and enqueue → start p50 5.9 ms; 10 ms, 106 a second and 12 ms; the
 * default 1,000 ms, 6 a second and 1,004 ms.
 */
const QUEUE_POLLING_MS = 1;
/** 10 workflows checkpointing at once, plus dispatch and DBOS's own upkeep (default 10) */
const POOL_SIZE = 20;
const SCHEMA = 'dbos';
const APP_NAME = 'tasker_peers';
const QUEUE_NAME = 'peer_queue';
const STOP_DRAIN_MS = 5_000;
/** the installed SDK's version, for the report */
const SDK_VERSION = installedVersion('@dbos-inc/dbos-sdk');

type Mode = 'direct' | 'queue';
/** workflows of the start-up check run under this mode: counted by neither peer */
type RunMode = Mode | 'warmup';

/** The state of the one running launch, which the registered workflow functions report to. */
interface ActiveRun {
  readonly signals: Signals;
  readonly failures: Map<string, (error: unknown) => void>;
  readonly counts: Record<Mode, JobCounts>;
  readonly bulks: Map<Mode, BulkRun>;
}
let active: ActiveRun | undefined;

const countsOf = (mode: RunMode) => (mode === 'warmup' ? undefined : active?.counts[mode]);

/** Reports a workflow's outcome to the caller waiting on `key` (success, or the error it threw). */
async function reporting(key: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    active?.signals.signal(key);
  } catch (error) {
    active?.failures.get(key)?.(error);
    throw error;
  }
}

async function noopWorkflow(mode: RunMode): Promise<void> {
  const bulk = mode === 'warmup' ? undefined : active?.bulks.get(mode);
  await DBOS.runStep(async () => bulk?.started(), { name: 'noop' });
  const counts = countsOf(mode);
  if (counts) counts.noop++;
  bulk?.ended();
}

async function probeWorkflow(mode: RunMode, key: string): Promise<void> {
  await DBOS.runStep(
    async () => {
      const counts = countsOf(mode);
      if (counts) counts.probe++;
      active?.signals.signal(key);
    },
    { name: 'probe' },
  );
}

async function chainWorkflow(mode: RunMode, key: string): Promise<void> {
  await reporting(key, async () => {
    let value = 0;
    for (let n = 1; n <= 4; n++) value = await DBOS.runStep(async () => value + 1, { name: `step_${n}` });
    if (value !== 4) throw new Error(`chain ${key}: the 4th step returned ${value}, not 4`);
    const counts = countsOf(mode);
    if (counts) counts.chains++;
  });
}

async function diamondWorkflow(mode: RunMode, key: string): Promise<void> {
  await reporting(key, async () => {
    const a = await DBOS.runStep(async () => 1, { name: 'a' });
    const [b, c] = await Promise.all([
      DBOS.runStep(async () => a + 1, { name: 'b' }),
      DBOS.runStep(async () => a + 2, { name: 'c' }),
    ]);
    const d = await DBOS.runStep(async () => b + c, { name: 'd' });
    if (d !== 5) throw new Error(`diamond ${key}: D returned ${d}, not 5`);
    const counts = countsOf(mode);
    if (counts) counts.diamonds++;
  });
}

/** A package's version from its manifest, found beside its entry point (`dist/src/index.js`). */
function installedVersion(name: string): string {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve(name));
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', entry), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

type Workflows = ReturnType<typeof registerWorkflows>;
let registered: Workflows | undefined;

function registerWorkflows() {
  return {
    noop: DBOS.registerWorkflow(noopWorkflow, { name: 'peer_noop' }),
    probe: DBOS.registerWorkflow(probeWorkflow, { name: 'peer_probe' }),
    chain: DBOS.registerWorkflow(chainWorkflow, { name: 'peer_chain' }),
    diamond: DBOS.registerWorkflow(diamondWorkflow, { name: 'peer_diamond' }),
  };
}

/** DBOS logs its start-up and queue registrations at info level; the bench keeps errors only. */
const quiet: DLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: () => undefined,
  error: (entry) => console.error('[dbos]', entry),
};

/** Both DBOS peers, on one launch; stopping either shuts DBOS down. */
export async function startDbosPeers(connectionString: string): Promise<Peer[]> {
  if (active || DBOS.isInitialized()) throw new Error('DBOS peers: DBOS is already launched in this process');
  registered ??= registerWorkflows();
  const workflows = registered;
  const run: ActiveRun = {
    signals: new Signals(),
    failures: new Map(),
    counts: { direct: noJobs(), queue: noJobs() },
    bulks: new Map(),
  };
  DBOS.setConfig({
    name: APP_NAME,
    systemDatabaseUrl: connectionString,
    systemDatabaseSchemaName: SCHEMA,
    systemDatabasePoolSize: POOL_SIZE,
    logger: quiet,
  });
  active = run;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await DBOS.shutdown({ workflowCompletionTimeoutMS: STOP_DRAIN_MS });
      } finally {
        if (active === run) active = undefined;
      }
    })();
    return stopping;
  };
  try {
    await DBOS.launch();
    await DBOS.registerQueue(QUEUE_NAME, {
      workerConcurrency: CONCURRENCY,
      minPollingIntervalMs: QUEUE_POLLING_MS,
      onConflict: 'always_update',
    });
    // a queue registered after launch is dispatched from the runner's next reconcile (≤ 1 s): one
    // workflow through it shows the queue peer is ready, as the others return with workers running
    const ready = awaitOutcome(run, 'dbos-warmup');
    await DBOS.startWorkflow(workflows.probe, { queueName: QUEUE_NAME })('warmup', 'dbos-warmup');
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return (['direct', 'queue'] as const).map((mode) => peerOf(mode, run, workflows, stop));
}

/** Resolves when the workflow signals `key`; rejects with the error a workflow reported for it. */
function awaitOutcome(run: ActiveRun, key: string): Promise<void> {
  const failed = new Promise<never>((_, reject) => run.failures.set(key, reject));
  return Promise.race([run.signals.expect(key), failed]).finally(() => run.failures.delete(key));
}

function peerOf(mode: Mode, run: ActiveRun, workflows: Workflows, stop: () => Promise<void>): Peer {
  const params = mode === 'queue' ? { queueName: QUEUE_NAME } : {};
  const start = <Args extends unknown[]>(workflow: (...args: Args) => Promise<void>, ...args: Args) =>
    DBOS.startWorkflow(workflow, params)(...args);
  const viaQueue = `queue ${QUEUE_NAME} (registerQueue: workerConcurrency ${CONCURRENCY}, minPollingIntervalMs ${QUEUE_POLLING_MS}, the lowest it takes; polled, idle too, no LISTEN wake-up)`;
  return {
    name: `DBOS (${mode})`,
    done: run.counts[mode],
    configuration: `DBOS Transact ${SDK_VERSION} (${mode}): ${mode === 'queue' ? viaQueue : 'DBOS.startWorkflow without a queue (runs in the caller at once, steps checkpointed)'}; system tables in schema ${SCHEMA} of the same database, pool ${POOL_SIZE}; steps are DBOS.runStep; diamond B ∥ C as two concurrent runSteps in one workflow; one launch shared by both DBOS peers`,
    async noopThroughput(n) {
      // DBOS has no bulk start or enqueue: the n workflows are started at once (concurrent calls,
      // one status row each); the queue starts dispatching while the last are still enqueued
      const bulk = new BulkRun(n);
      run.bulks.set(mode, bulk);
      try {
        await Promise.all(Array.from({ length: n }, () => start(workflows.noop, mode)));
        return await bulk.durationMs();
      } finally {
        run.bulks.delete(mode);
      }
    },
    async enqueueToStart(key) {
      const started = awaitOutcome(run, key);
      await start(workflows.probe, mode, key);
      await started;
    },
    async chainOfFour(key) {
      const finished = awaitOutcome(run, key);
      await start(workflows.chain, mode, key);
      await finished;
    },
    async diamond(key) {
      const finished = awaitOutcome(run, key);
      await start(workflows.diamond, mode, key);
      await finished;
    },
    stop,
  };
}
