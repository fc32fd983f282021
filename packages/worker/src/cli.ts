#!/usr/bin/env node
/**
 * tasker-worker: runs a worker as its own process.
 *
 *   tasker-worker --namespaces a,b [--concurrency 10] [--database-url postgres://…] [--port 8081]
 *                 [--host 127.0.0.1] [--visibility-timeout 30] [--handler-timeout-ms 25000]
 *                 [--poll-interval-ms 1000] [--result-handoff queue|inline]
 *                 [--notify in_transaction|after_commit]
 *
 * DATABASE_URL is used when --database-url is absent. /health and /metrics are served on --port
 * (0 = any free port; the chosen one is printed). SIGTERM / SIGINT: stop claiming, finish the steps
 * in flight, exit 0.
 */
import { parseArgs } from 'node:util';
import { startHealthServer } from './http/healthServer.ts';
import { startWorker } from './worker/worker.ts';

const USAGE =
  'usage: tasker-worker --namespaces a,b [--concurrency N] [--database-url URL] [--port P] [--host H] ' +
  '[--visibility-timeout S] [--handler-timeout-ms MS] [--poll-interval-ms MS] [--result-handoff queue|inline] [--notify in_transaction|after_commit]';

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      namespaces: { type: 'string' },
      concurrency: { type: 'string' },
      'database-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'visibility-timeout': { type: 'string' },
      'handler-timeout-ms': { type: 'string' },
      'poll-interval-ms': { type: 'string' },
      'result-handoff': { type: 'string' },
      notify: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const connectionString = values['database-url'] ?? process.env.DATABASE_URL;
  const namespaces = (values.namespaces ?? '')
    .split(',')
    .map((ns) => ns.trim())
    .filter(Boolean);
  if (!connectionString || namespaces.length === 0) {
    console.error(`${USAGE}\n(--namespaces and --database-url or DATABASE_URL are required)`);
    process.exitCode = 2;
    return;
  }
  const handoff = values['result-handoff'] ?? 'queue';
  if (handoff !== 'queue' && handoff !== 'inline') {
    console.error(`${USAGE}\n(--result-handoff must be queue or inline, got ${handoff})`);
    process.exitCode = 2;
    return;
  }
  const notify = values.notify ?? 'in_transaction';
  if (notify !== 'in_transaction' && notify !== 'after_commit') {
    console.error(`${USAGE}\n(--notify must be in_transaction or after_commit, got ${notify})`);
    process.exitCode = 2;
    return;
  }
  let lost = false;
  const worker = await startWorker({
    connectionString,
    namespaces,
    concurrency: int(values.concurrency, 'concurrency'),
    visibilityTimeoutSeconds: int(values['visibility-timeout'], 'visibility-timeout'),
    handlerTimeoutMs: int(values['handler-timeout-ms'], 'handler-timeout-ms'),
    pollIntervalMs: int(values['poll-interval-ms'], 'poll-interval-ms'),
    resultHandoff: handoff,
    notify,
    onError: (error) => console.error(`tasker-worker: ${error.message}`),
    // a lost database says so, and so does its recovery (start and shutdown stay quiet)
    onListenerState: (state) => {
      if (state !== 'reconnecting' && !(state === 'connected' && lost)) return;
      lost = state === 'reconnecting';
      console.log(JSON.stringify({ event: 'listener', state }));
    },
  });
  const http = await startHealthServer(worker, { port: int(values.port, 'port') ?? 8081, host: values.host });
  console.log(
    JSON.stringify({
      event: 'started',
      worker_id: worker.workerId,
      namespaces,
      port: http.port,
      pid: process.pid,
    }),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ event: 'stopping', signal, in_flight: worker.metrics.inFlight }));
    void (async () => {
      await worker.close();
      await http.close();
      console.log(
        JSON.stringify({ event: 'stopped', ...worker.metrics.skipped, completed: worker.metrics.completed }),
      );
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`tasker-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
