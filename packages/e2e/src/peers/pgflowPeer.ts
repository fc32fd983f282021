/**
 * pgflow 0.8 (@pgflow/core) as a peer. pgflow's own worker (@pgflow/edge-worker) runs on Deno /
 * Supabase Edge Functions, so this peer drives pgflow's documented SQL protocol from a small Node
 * loop instead, through @pgflow/core's own PgflowSqlClient (the client the Edge Worker uses):
 * register a worker row in pgflow.workers, then per poll `pgmq.read_with_poll` on the flow's queue →
 * `pgflow.start_tasks` → run the step's handler → `pgflow.complete_task`, a heartbeat on the worker
 * row every 5 s. As the Edge Worker does, there is one worker per flow (its queue is the flow's
 * slug) with its own pool of 4 connections (maxPgConnections), and a poll's batch (batchSize 10,
 * maxConcurrent 10) runs to its end before the next poll.
 *
 * Polling for low latency, as its worker configuration documents it: maxPollSeconds 2 (the
 * default), pollIntervalMs lowered from the default 100 to 10 ms, its docs giving no floor; a
 * message waits on average half an interval before a worker sees it, and while idle each worker
 * checks its queue 100 times a second inside one read_with_poll call (measured on the compatible
 * layer, December 2026: the 4 idle workers' backends use ~100 ms of PostgreSQL CPU per second; the
 * cost is per poll, so the default 100 ms would cost about a tenth of that, for a wait of ~50 ms
 * per hop on average instead of ~5 ms).
 * visibilityTimeout 2 s (the default; start_tasks then hides a started task for the step's timeout
 * + 2 s).
 *
 * Completion is pgflow's own: a chain or a diamond is done when the loop's complete_task for the
 * flow's last step has returned — pgflow completes the run (pgflow.runs.status = 'completed') in
 * that same call; a no-op of the bulk run counts as ended at the same point. Installation
 * (pgflowSchema.ts): pgflow's migrations into the given database (schema pgflow, one pgmq queue per
 * flow), with a no-op realtime.send stand-in and, on tasker's PGMQ-compatible layer, without the
 * first migration's CREATE EXTENSION pgmq.
 */
import { randomUUID } from 'node:crypto';
import { type IPgflowClient, PgflowSqlClient } from '@pgflow/core';
import postgres from 'postgres';
import { type FlowShape, installPgflow } from './pgflowSchema.ts';
import { BulkRun, noJobs, type Peer, Signals } from './signals.ts';

const MAX_CONCURRENT = 10;
const BATCH_SIZE = 10;
const MAX_PG_CONNECTIONS = 4;
const MAX_POLL_SECONDS = 2;
const POLL_INTERVAL_MS = 10;
const VISIBILITY_TIMEOUT_S = 2;
const HEARTBEAT_MS = 5_000;
/** pgflow.workers.function_name of the loop's workers (an Edge Function's name in pgflow's own) */
const FUNCTION_NAME = 'tasker-e2e-node-loop';

/** The peer's flows; the last step of each is the one whose completion completes the run. */
export const PGFLOW_FLOWS = {
  noop: { slug: 'pgflow_noop', steps: [['noop', []]] },
  probe: { slug: 'pgflow_probe', steps: [['probe', []]] },
  chain: {
    slug: 'pgflow_chain',
    steps: [
      ['s1', []],
      ['s2', ['s1']],
      ['s3', ['s2']],
      ['s4', ['s3']],
    ],
  },
  diamond: {
    slug: 'pgflow_diamond',
    steps: [
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ],
  },
} as const satisfies Record<string, FlowShape>;

type FlowName = keyof typeof PGFLOW_FLOWS;

/** A started task as pgflow.start_tasks returns it. */
interface StartedTask {
  run_id: string;
  step_slug: string;
  task_index: number;
  input: { run?: { key?: string } };
}

/** What the loop does around one task: before its handler returns, and once complete_task has. */
interface TaskHooks {
  started(task: StartedTask): void;
  completed(task: StartedTask): void;
}

/** One flow's worker: its row in pgflow.workers, its pool, and its poll loop. */
class FlowWorker {
  readonly #sql: postgres.Sql;
  readonly #client: IPgflowClient;
  readonly #slug: string;
  readonly #hooks: TaskHooks;
  readonly #workerId = randomUUID();
  #stopping = false;
  #lastHeartbeat = 0;
  loop: Promise<void> = Promise.resolve();

  constructor(connectionString: string, slug: string, hooks: TaskHooks) {
    this.#sql = postgres(connectionString, {
      max: MAX_PG_CONNECTIONS,
      onnotice: () => undefined,
      connection: { application_name: `pgflow-peer ${slug}` },
    });
    this.#client = new PgflowSqlClient(this.#sql);
    this.#slug = slug;
    this.#hooks = hooks;
  }

  async start(onFailure: (error: unknown) => void): Promise<void> {
    await this.#sql`insert into pgflow.workers (worker_id, queue_name, function_name)
                    values (${this.#workerId}, ${this.#slug}, ${FUNCTION_NAME})`;
    this.#lastHeartbeat = performance.now();
    this.loop = this.#poll().catch((error: unknown) => {
      if (!this.#stopping) onFailure(error);
    });
  }

  async #poll(): Promise<void> {
    while (!this.#stopping) {
      if (performance.now() - this.#lastHeartbeat >= HEARTBEAT_MS) {
        await this
          .#sql`update pgflow.workers set last_heartbeat_at = clock_timestamp() where worker_id = ${this.#workerId}`;
        this.#lastHeartbeat = performance.now();
      }
      const messages = await this.#client.readMessages(
        this.#slug,
        VISIBILITY_TIMEOUT_S,
        BATCH_SIZE,
        MAX_POLL_SECONDS,
        POLL_INTERVAL_MS,
      );
      if (messages.length === 0) continue;
      const tasks = (await this.#client.startTasks(
        this.#slug,
        messages.map((message) => message.msg_id),
        this.#workerId,
      )) as unknown as StartedTask[];
      // the batch (at most BATCH_SIZE ≤ MAX_CONCURRENT tasks) runs to its end before the next poll
      await Promise.all(tasks.map((task) => this.#execute(task)));
    }
  }

  async #execute(task: StartedTask): Promise<void> {
    this.#hooks.started(task);
    await this.#client.completeTask(task);
    this.#hooks.completed(task);
  }

  /** Ends the loop (after its current poll, at most MAX_POLL_SECONDS) and closes the pool. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.loop;
    await this.#sql.end({ timeout: 5 });
  }
}

export async function startPgflowPeer(connectionString: string): Promise<Peer> {
  const installation = await installPgflow(connectionString, Object.values(PGFLOW_FLOWS));
  const signals = new Signals();
  const done = noJobs();
  let bulk: BulkRun | undefined;
  let failure: unknown;
  let rejectFailed: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    rejectFailed = reject;
  });
  failed.catch(() => undefined);
  const onFailure = (error: unknown) => {
    failure ??= error;
    rejectFailed(error);
  };
  const keyOf = (task: StartedTask) => task.input.run?.key ?? '';

  const hooks: Record<FlowName, TaskHooks> = {
    noop: {
      started: () => bulk?.started(),
      completed: () => {
        done.noop++;
        bulk?.ended();
      },
    },
    probe: {
      started: (task) => {
        done.probe++;
        signals.signal(keyOf(task));
      },
      completed: () => undefined,
    },
    chain: {
      started: () => undefined,
      completed: (task) => {
        if (task.step_slug !== 's4') return;
        done.chains++;
        signals.signal(keyOf(task));
      },
    },
    diamond: {
      started: () => undefined,
      completed: (task) => {
        if (task.step_slug !== 'd') return;
        done.diamonds++;
        signals.signal(keyOf(task));
      },
    },
  };
  const names = Object.keys(PGFLOW_FLOWS) as FlowName[];
  const workers = names.map((name) => new FlowWorker(connectionString, PGFLOW_FLOWS[name].slug, hooks[name]));
  // starts the runs (pgflow.start_flow), as an application would
  const sql = postgres(connectionString, {
    max: 2,
    onnotice: () => undefined,
    connection: { application_name: 'pgflow-peer client' },
  });
  const client = new PgflowSqlClient(sql);
  try {
    for (const worker of workers) await worker.start(onFailure);
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.stop()));
    await sql.end({ timeout: 5 });
    throw error;
  }

  /** Resolves with `operation`, or rejects as soon as a worker's loop has failed. */
  const guarded = async <T>(operation: Promise<T>): Promise<T> => {
    if (failure !== undefined) throw failure;
    return Promise.race([operation, failed]);
  };
  /** Starts one run of a flow and waits for its handler's signal. */
  const run = async (flow: FlowName, key: string) => {
    const signalled = signals.expect(key);
    await guarded(client.startFlow(PGFLOW_FLOWS[flow].slug, { key }));
    await guarded(signalled);
  };

  return {
    name: 'pgflow',
    done,
    configuration:
      `pgflow ${installation.version} (@pgflow/core SQL; not its Deno Edge Worker): a Node loop drives its SQL protocol through @pgflow/core's PgflowSqlClient — ` +
      `worker row in pgflow.workers, pgmq.read_with_poll → pgflow.start_tasks → pgflow.complete_task; one worker per flow, ` +
      `maxConcurrent ${MAX_CONCURRENT}, batchSize ${BATCH_SIZE}, ${MAX_PG_CONNECTIONS} connections each, maxPollSeconds ${MAX_POLL_SECONDS}, ` +
      `pollIntervalMs ${POLL_INTERVAL_MS} (default 100), visibilityTimeout ${VISIBILITY_TIMEOUT_S} s; completion: complete_task of the last step (pgflow completes the run in it); ` +
      `installed unmodified but for a no-op realtime.send stand-in` +
      (installation.pgmqExtensionStatementSkipped
        ? ` and its first migration's CREATE EXTENSION pgmq left out (tasker's PGMQ-compatible layer is schema pgmq)`
        : ''),
    async noopThroughput(n) {
      bulk = new BulkRun(n);
      // n runs started up front, in one statement: start_flow once per run (its input names the
      // run, so the lateral call is made for every row, not once and rescanned)
      await guarded(
        sql`select r.run_id from generate_series(1, ${n}::int) as g(i)
            cross join lateral pgflow.start_flow(${PGFLOW_FLOWS.noop.slug}, jsonb_build_object('n', g.i)) as r`,
      );
      return guarded(bulk.durationMs());
    },
    enqueueToStart: (key) => run('probe', key),
    chainOfFour: (key) => run('chain', key),
    diamond: (key) => run('diamond', key),
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await sql.end({ timeout: 5 });
    },
  };
}
