#!/usr/bin/env node
/**
 * tasker-worker: runs a worker as its own process (`tasker-worker --help` lists the options).
 *
 *   tasker-worker --namespaces a,b [--concurrency 10] [--database-url postgres://…] [--port 8081]
 *                 [--host 127.0.0.1] [--pool-size N] [--visibility-timeout 30]
 *                 [--handler-timeout-ms 25000] [--poll-interval-ms 1000] [--handler-threads N]
 *                 [--result-handoff queue|inline] [--notify in_transaction|after_commit]
 *                 [--test-handlers] [--insecure-no-auth] [--otlp-endpoint http://collector:4318]
 *
 * DATABASE_URL is used when --database-url is absent. /health and /metrics are served on --port
 * (0 = any free port; the chosen one is printed). SIGTERM / SIGINT: stop claiming, finish the steps
 * in flight, export the last spans, exit 0. A usage error exits 2 (USAGE_EXIT_CODE), naming the flag
 * or variable at fault.
 *
 * Traces (startTelemetry.ts): exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * --otlp-endpoint), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER says where; the other
 * OTEL_* variables apply as the OpenTelemetry SDK defines them. See docs/tracing.md.
 */
import {
  commonServiceOptions,
  parseServiceOptionsOrExit,
  USAGE_EXIT_CODE,
  unauthenticatedExposure,
} from '@tasker/shared';
import { createHandlerRegistry } from './handlers/handlerRegistry.ts';
import { TEST_HANDLERS, TEST_HANDLERS_MODULE } from './handlers/testHandlers.ts';
import { startHealthServer } from './http/healthServer.ts';
import { startTelemetry } from './startTelemetry.ts';
import { startWorker } from './worker/worker.ts';

const options = parseServiceOptionsOrExit({
  name: 'tasker-worker',
  summary: 'Claims steps of the given namespaces, runs their handlers and hands the results back.',
  options: {
    namespaces: { type: 'list', required: true, description: 'namespaces to serve' },
    'database-url': commonServiceOptions['database-url'],
    concurrency: {
      type: 'integer',
      min: 1,
      default: 10,
      valueName: 'N',
      description: 'steps in flight at most',
    },
    port: {
      type: 'integer',
      min: 0,
      max: 65535,
      default: 8081,
      valueName: 'P',
      description: 'port of /health and /metrics, 0 for any free one',
    },
    host: {
      type: 'string',
      default: '127.0.0.1',
      valueName: 'H',
      description:
        'interface of /health and /metrics (they have no authentication: another than loopback needs --insecure-no-auth)',
    },
    'insecure-no-auth': {
      type: 'boolean',
      description: 'INSECURE: serve /health and /metrics on a non-loopback --host (logged as a warning)',
    },
    'pool-size': {
      type: 'integer',
      min: 1,
      valueName: 'N',
      description: 'database connections; default concurrency + 2',
    },
    'visibility-timeout': {
      type: 'integer',
      min: 1,
      valueName: 'S',
      description: "a claim's lease, seconds",
    },
    'handler-timeout-ms': {
      type: 'integer',
      min: 1,
      valueName: 'MS',
      description: 'handlers still running after this fail, retryable',
    },
    'poll-interval-ms': {
      type: 'integer',
      min: 0,
      valueName: 'MS',
      description: 'the polling fallback behind LISTEN, 0 for none',
    },
    'handler-threads': {
      type: 'integer',
      min: 1,
      valueName: 'N',
      description: 'run handlers in N worker threads, off the event loop; default in-process',
    },
    'result-handoff': {
      type: 'enum',
      values: ['queue', 'inline'],
      default: 'inline',
      description:
        'how results reach orchestration: inline (the worker applies them and runs the next steps) or queue (through orchestration_step_results)',
    },
    notify: commonServiceOptions.notify,
    'otlp-endpoint': commonServiceOptions['otlp-endpoint'],
    'test-handlers': {
      type: 'boolean',
      description:
        'also register the handlers tests use: database, sleep, fail (src/handlers/testHandlers.ts)',
    },
  },
});

// /health and /metrics have no authentication: on loopback only, unless told it is insecure
const refusal = unauthenticatedExposure('tasker-worker', options.host, options['insecure-no-auth'] === true);
if (refusal) {
  console.error(`tasker-worker: ${refusal}`);
  process.exit(USAGE_EXIT_CODE);
}

async function main(): Promise<void> {
  let lost = false;
  const threads = options['handler-threads'];
  const testHandlers = options['test-handlers'];
  const telemetry = await startTelemetry(options['otlp-endpoint']);
  const worker = await startWorker({
    connectionString: options['database-url'],
    namespaces: options.namespaces,
    concurrency: options.concurrency,
    poolSize: options['pool-size'],
    visibilityTimeoutSeconds: options['visibility-timeout'],
    handlerTimeoutMs: options['handler-timeout-ms'],
    pollIntervalMs: options['poll-interval-ms'],
    ...(threads === undefined
      ? testHandlers
        ? { handlers: createHandlerRegistry(TEST_HANDLERS) }
        : {}
      : {
          handlerThreads: { size: threads, ...(testHandlers ? { handlerModule: TEST_HANDLERS_MODULE } : {}) },
        }),
    resultHandoff: options['result-handoff'],
    notify: options.notify,
    onError: (error) => console.error(`tasker-worker: ${error.message}`),
    // a lost database says so, and so does its recovery (start and shutdown stay quiet)
    onListenerState: (state) => {
      if (state !== 'reconnecting' && !(state === 'connected' && lost)) return;
      lost = state === 'reconnecting';
      console.log(JSON.stringify({ event: 'listener', state }));
    },
  });
  const http = await startHealthServer(worker, { port: options.port, host: options.host });
  console.log(
    JSON.stringify({
      event: 'started',
      worker_id: worker.workerId,
      namespaces: options.namespaces,
      port: http.port,
      pid: process.pid,
      ...(threads === undefined ? {} : { handler_threads: threads }),
      traces: telemetry?.destination ?? 'off',
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
      await telemetry?.shutdown();
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
