#!/usr/bin/env node
/**
 * tasker-orchestration: the orchestration service as a process (`tasker-orchestration --help`
 * lists the options).
 *
 *   tasker-orchestration --database-url postgres://… [--port 8080] [--host 0.0.0.0] [--migrate]
 *                        [--pool-size 20] [--visibility-timeout 30] [--result-poll-interval-ms 1000]
 *                        [--notify in_transaction|after_commit] [--demo-templates]
 *
 * DATABASE_URL and PORT work as defaults. SIGTERM / SIGINT shut down gracefully: stop accepting,
 * finish in-flight requests and results, close the listener and the pool, exit 0. A usage error
 * exits 2 (USAGE_EXIT_CODE), naming the flag or variable at fault.
 */
import { BUILTIN_TEMPLATES, commonServiceOptions, parseServiceOptionsOrExit } from '@tasker/shared';
import { startOrchestration } from './startOrchestration.ts';

const options = parseServiceOptionsOrExit({
  name: 'tasker-orchestration',
  summary: 'The orchestration service: the HTTP API, result processing, retries and completions.',
  options: {
    'database-url': commonServiceOptions['database-url'],
    port: {
      type: 'integer',
      env: 'PORT',
      min: 0,
      max: 65535,
      default: 8080,
      valueName: 'P',
      description: 'HTTP port, 0 for any free one',
    },
    host: { type: 'string', default: '0.0.0.0', valueName: 'H', description: 'HTTP interface' },
    migrate: { type: 'boolean', description: 'install PGMQ and apply the migrations first' },
    'pool-size': {
      type: 'integer',
      min: 1,
      default: 20,
      valueName: 'N',
      description: 'database connections',
    },
    'visibility-timeout': {
      type: 'integer',
      min: 1,
      valueName: 'S',
      description: 'seconds a result read stays hidden from other orchestrators',
    },
    'result-poll-interval-ms': {
      type: 'integer',
      min: 1,
      valueName: 'MS',
      description: 'the polling fallback of the result processor',
    },
    notify: commonServiceOptions.notify,
    'demo-templates': {
      type: 'boolean',
      description: 'register the built-in demo workflows (mathematical_sequence, diamond_pattern, …)',
    },
  },
});

async function main(): Promise<void> {
  let lost = false;
  const service = await startOrchestration({
    databaseUrl: options['database-url'],
    port: options.port,
    host: options.host,
    prepareDatabase: options.migrate,
    poolSize: options['pool-size'],
    visibilityTimeoutSeconds: options['visibility-timeout'],
    resultPollIntervalMs: options['result-poll-interval-ms'],
    notify: options.notify,
    ...(options['demo-templates'] ? { templates: BUILTIN_TEMPLATES } : {}),
    // a lost database says so, and so does its recovery (start and shutdown stay quiet)
    onListenerState: (state) => {
      if (state !== 'reconnecting' && !(state === 'connected' && lost)) return;
      lost = state === 'reconnecting';
      console.log(`tasker-orchestration: database listener ${state}`);
    },
  });
  console.log(`tasker-orchestration listening on ${service.url} (pid ${process.pid})`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`tasker-orchestration: ${signal}, shutting down`);
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('tasker-orchestration: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(`tasker-orchestration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
