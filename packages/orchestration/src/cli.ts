#!/usr/bin/env node
/**
 * tasker-orchestration: the orchestration service as a process.
 *
 *   tasker-orchestration --database-url postgres://… [--port 8080] [--host 0.0.0.0] [--migrate]
 *                        [--pool-size 20] [--visibility-timeout 30] [--result-poll-interval-ms 1000]
 *                        [--notify in_transaction|after_commit]
 *
 * DATABASE_URL and PORT work as defaults. SIGTERM / SIGINT shut down gracefully: stop accepting,
 * finish in-flight requests and results, close the listener and the pool, exit 0.
 */
import { parseArgs } from 'node:util';
import { startOrchestration } from './startOrchestration.ts';

const USAGE =
  'usage: tasker-orchestration --database-url <url> [--port 8080] [--host 0.0.0.0] [--migrate] [--pool-size 20]' +
  ' [--visibility-timeout 30] [--result-poll-interval-ms 1000] [--notify in_transaction|after_commit]';

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      migrate: { type: 'boolean', default: false },
      'pool-size': { type: 'string' },
      'visibility-timeout': { type: 'string' },
      'result-poll-interval-ms': { type: 'string' },
      notify: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error(`no database: pass --database-url or set DATABASE_URL\n${USAGE}`);
  const port = Number(values.port ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);

  const notify = values.notify ?? 'in_transaction';
  if (notify !== 'in_transaction' && notify !== 'after_commit')
    throw new Error(`--notify must be in_transaction or after_commit, got ${notify}\n${USAGE}`);
  let lost = false;
  const service = await startOrchestration({
    databaseUrl,
    port,
    host: values.host ?? '0.0.0.0',
    prepareDatabase: values.migrate,
    ...(values['pool-size'] ? { poolSize: Number(values['pool-size']) } : {}),
    visibilityTimeoutSeconds: positiveInt(values['visibility-timeout'], 'visibility-timeout'),
    resultPollIntervalMs: positiveInt(values['result-poll-interval-ms'], 'result-poll-interval-ms'),
    notify,
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
