/**
 * The orchestration service in-process: pools, queue and template registration, LISTEN (results
 * and task completions), result processor, retry poller and the HTTP server. Tests, benches and the
 * CLI all start it through here; close() shuts it down gracefully (see below).
 */
import {
  AfterCommitNotifier,
  ensureTaskerQueues,
  type ListenerState,
  NOTIFY_AFTER_COMMIT_OPTION,
  type NotifyMode,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  PgEventListener,
  prepareDatabase,
  registerTemplates,
  unauthenticatedExposure,
  type WorkflowTemplate,
} from '@tasker/shared';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { OrchestrationConfigError } from './http/auth/authErrors.ts';
import { Authenticator, type AuthSettings } from './http/auth/credentials.ts';
import { buildServer } from './http/server.ts';
import { OrchestrationMetrics } from './metrics/metrics.ts';
import { CompletionWaiters, TASK_COMPLETED_CHANNEL } from './results/completionWaiters.ts';
import type { ProcessedResult } from './results/processStepResult.ts';
import { ResultProcessor } from './results/resultProcessor.ts';
import { RetryPoller } from './results/retryPoller.ts';

/** The channel result sends notify on (tasker.pgmq_send_with_notify: orchestration* → orchestration). */
export const RESULTS_CHANNEL = 'pgmq_message_ready.orchestration';

export type OrchestrationOptions = {
  databaseUrl: string;
  /** default 0: a free port */
  port?: number;
  /**
   * default 127.0.0.1 (this machine only). Any other address needs `auth`, or `insecureNoAuth`,
   * else the start is refused (OrchestrationConfigError)
   */
  host?: string;
  /**
   * who may call the API (API keys stored hashed, JWTs verified against a public key; see
   * http/auth/credentials.ts). Unset: no authentication, allowed on a loopback address only
   */
  auth?: AuthSettings;
  /** serve without authentication on a non-loopback address anyway (logged as a warning) */
  insecureNoAuth?: boolean;
  /**
   * requests needing the database let in at once; the next is answered 503 with Retry-After, so
   * overload never queues without bound (default 128, http/admission.ts)
   */
  maxInFlight?: number;
  /** ms a request waits for a database connection before it is answered 503 (default 10,000) */
  connectionTimeoutMs?: number;
  /**
   * templates registered at start (default none; a test or bench that runs the built-in demo
   * workflows passes BUILTIN_TEMPLATES of @tasker/shared); more with registerTemplate()
   */
  templates?: readonly WorkflowTemplate[];
  /** install PGMQ and apply migrations first (default false: the database is prepared already) */
  prepareDatabase?: boolean;
  /** database connections of the pool (default 20) */
  poolSize?: number;
  /**
   * When workers are woken for the steps that task creation and result processing enqueue: inside
   * those transactions, delivered at commit ('in_transaction', default: the lowest latency), or
   * after the commit by a coalescing notifier ('after_commit', 03_messaging.sql), so they never
   * queue on PostgreSQL's NOTIFY commit lock: more throughput under load, one more round trip per
   * hop when idle. The retry poller always notifies in its transactions.
   */
  notify?: NotifyMode;
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number;
  /** the listener's safety poll of the results queue (default 1000 ms) */
  resultPollIntervalMs?: number;
  /** how often due retries are looked for (default 500 ms) */
  retryPollIntervalMs?: number;
  /** seconds a result message read by this orchestrator stays hidden from others (default 30) */
  visibilityTimeoutSeconds?: number;
  /** application_name of every database connection (default tasker-orchestration) */
  applicationName?: string;
  /** Fastify's logger (default off) */
  logger?: boolean;
  /** background errors (lost listener connection, failed result); default: printed to stderr */
  onError?: (error: Error) => void;
  /** the LISTEN connection changed state (connected, reconnecting, …): logs say when the database is lost and back */
  onListenerState?: (state: ListenerState) => void;
  /** called after each processed step result */
  onResultProcessed?: (result: ProcessedResult) => void;
};

export type Orchestration = {
  /** http://host:port */
  url: string;
  port: number;
  metrics: OrchestrationMetrics;
  /** the Fastify instance (inject() in tests) */
  server: FastifyInstance;
  /**
   * Graceful shutdown: stop accepting connections, answer pending waits with the current state,
   * let in-flight requests and results finish, stop the poller, close the listener and the pool.
   * Idempotent.
   */
  close(): Promise<void>;
};

export async function startOrchestration(options: OrchestrationOptions): Promise<Orchestration> {
  const onError =
    options.onError ?? ((error: Error) => console.error(`[tasker-orchestration] ${error.message}`));
  const authenticator = options.auth ? await Authenticator.create(options.auth) : undefined;
  checkExposure(options.host ?? '127.0.0.1', authenticator !== undefined, options.insecureNoAuth === true);
  const pools = openPools(options, onError);
  const { pool, pollerPool, notifier } = pools;
  const metrics = new OrchestrationMetrics();
  const { waiters, processor, poller, listener } = createBackground(options, pools, metrics, onError);
  let server: FastifyInstance | undefined;
  let draining = false;

  const shutdown = async () => {
    draining = true;
    waiters.close();
    await Promise.all([server?.close(), processor.stop(), poller.stop()]);
    await listener.close();
    await notifier?.flush();
    await Promise.all([pool.end(), pollerPool !== pool ? pollerPool.end() : undefined]);
  };

  try {
    await prepare(pool, options);
    await listener.start();
    processor.kick();
    poller.start();

    server = buildServer({
      pool,
      ...(notifier ? { notifier } : {}),
      metrics,
      waiters,
      logger: options.logger ?? false,
      draining: () => draining,
      ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
      readiness: () => readiness(pool, listener),
      ...(authenticator ? { authenticator } : {}),
      ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    });
    await server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }

  const { url, port } = serviceAddress(server, options);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metrics,
    server,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}

/**
 * The service's pools. With notify 'after_commit', task creation (API) and result processing run
 * on sessions that leave the workers' wake-up to a notifier after the commit (03_messaging.sql);
 * the retry poller, which does not know which namespaces its due tasks enqueue into, notifies in
 * its transactions, on a small pool of its own. Otherwise one pool serves all.
 */
function openPools(options: OrchestrationOptions, onError: (error: Error) => void) {
  const connection = {
    connectionString: options.databaseUrl,
    application_name: options.applicationName ?? 'tasker-orchestration',
  };
  const afterCommit = options.notify === 'after_commit';
  const sessionOptions = afterCommit ? { options: NOTIFY_AFTER_COMMIT_OPTION } : {};
  const pool = new pg.Pool({
    ...connection,
    ...sessionOptions,
    max: options.poolSize ?? 20,
    // a request never waits without bound for a connection (answered 503 then, errorHandler.ts)
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  pool.on('error', onError);
  const pollerPool = afterCommit ? new pg.Pool({ ...connection, max: 2 }) : pool;
  if (pollerPool !== pool) pollerPool.on('error', onError);
  const notifier = afterCommit ? new AfterCommitNotifier(pool, onError) : undefined;
  return { connection, pool, pollerPool, notifier };
}

type Pools = ReturnType<typeof openPools>;

/**
 * What runs beside the HTTP server: the result processor and the retry poller, the completion
 * waiters, and the LISTEN connection that wakes the first (results) and the last (completions) and
 * polls the results queue meanwhile. Wired here; started by startOrchestration once the database
 * is prepared.
 */
function createBackground(
  options: OrchestrationOptions,
  { connection, pool, pollerPool, notifier }: Pools,
  metrics: OrchestrationMetrics,
  onError: (error: Error) => void,
) {
  const waiters = new CompletionWaiters();
  const processor = new ResultProcessor({
    pool,
    ...(notifier ? { notifier } : {}),
    metrics,
    onError,
    ...(options.visibilityTimeoutSeconds !== undefined
      ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
      : {}),
    ...(options.onResultProcessed ? { onProcessed: options.onResultProcessed } : {}),
  });
  const poller = new RetryPoller({
    pool: pollerPool,
    metrics,
    onError,
    ...(options.retryPollIntervalMs !== undefined ? { intervalMs: options.retryPollIntervalMs } : {}),
  });
  const listener = new PgEventListener({
    connection,
    channels: [RESULTS_CHANNEL, TASK_COMPLETED_CHANNEL],
    // payloads stay text: a result notification only wakes the processor, and a completion is
    // parsed by the waiters, once, and only while a request waits (see onNotification)
    parse: (payload) => payload,
    pollIntervalMs: options.resultPollIntervalMs ?? 1000,
    onPoll: () => processor.kick(),
    onError,
  });
  listener.subscribe((event) => {
    if (event.channel === RESULTS_CHANNEL) processor.kick();
    else if (event.channel === TASK_COMPLETED_CHANNEL) waiters.onNotification(event.payload);
  });
  listener.onStateChange((state) => {
    processor.onListenerState(state);
    options.onListenerState?.(state);
  });
  return { waiters, processor, poller, listener };
}

/** What the service needs in the database before it serves: schema (if asked), results queue, templates. */
async function prepare(pool: pg.Pool, options: OrchestrationOptions): Promise<void> {
  if (options.prepareDatabase) {
    const client = await pool.connect();
    try {
      await prepareDatabase(client);
    } finally {
      client.release();
    }
  }
  // through the owner's function: the orchestration role may not create tables (12_access.sql)
  await ensureTaskerQueues(pool, [ORCHESTRATION_STEP_RESULTS_QUEUE]);
  if (options.templates?.length) await registerTemplates(pool, options.templates);
}

/**
 * Fails closed: without authentication the API may only listen where nobody else can reach it,
 * unless the caller insists (insecureNoAuth), which is logged (shared's unauthenticatedExposure).
 */
function checkExposure(host: string, authenticated: boolean, insecureNoAuth: boolean): void {
  if (authenticated) return;
  const refusal = unauthenticatedExposure('tasker-orchestration', host, insecureNoAuth);
  if (refusal)
    throw new OrchestrationConfigError(
      `${refusal} (the API's credentials: --api-keys-file, TASKER_API_KEYS, --jwt-public-key-file)`,
    );
}

/** GET /health/ready: the database answers and the listener is connected. */
async function readiness(
  pool: pg.Pool,
  listener: PgEventListener<string>,
): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = { listener: listener.state };
  try {
    await pool.query('select 1');
    checks.database = 'ok';
  } catch (error) {
    checks.database = error instanceof Error ? error.message : String(error);
  }
  return { ready: checks.database === 'ok' && listener.state === 'connected', checks };
}

/** The URL clients reach the listening server at: a wildcard host is reached through 127.0.0.1. */
function serviceAddress(
  server: FastifyInstance,
  options: OrchestrationOptions,
): { url: string; port: number } {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
}
