#!/usr/bin/env node
/**
 * tasker-orchestration: the orchestration service as a process (`tasker-orchestration --help`
 * lists the options).
 *
 *   tasker-orchestration --database-url postgres://… [--port 8080] [--host 127.0.0.1] [--migrate]
 *                        [--pool-size 20] [--visibility-timeout 30] [--result-poll-interval-ms 1000]
 *                        [--notify in_transaction|after_commit] [--demo-templates]
 *                        [--api-keys-file F] [--api-keys LINES] [--jwt-public-key-file F]
 *                        [--jwt-issuer I] [--jwt-audience A] [--jwt-algorithm RS256] [--insecure-no-auth]
 *                        [--max-in-flight 128] [--otlp-endpoint http://collector:4318]
 *
 * Authentication (http/auth/credentials.ts): API keys as hashed lines `<name> sha256:<hex>
 * <permission>[,…]` (permissions create, read, cancel, metrics, or *), from a file or
 * TASKER_API_KEYS; JWTs verified with a public key file. Without either the API answers
 * unauthenticated, which it only does on a loopback address unless --insecure-no-auth is given.
 * A key's hash: sha256:$(printf %s "$KEY" | sha256sum | cut -d' ' -f1).
 *
 * Traces (startTelemetry.ts): exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * --otlp-endpoint), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER says where; the other
 * OTEL_* variables apply as the OpenTelemetry SDK defines them. See docs/tracing.md.
 *
 * DATABASE_URL and PORT work as defaults. SIGTERM / SIGINT shut down gracefully: stop accepting,
 * finish in-flight requests and results, close the listener and the pool, export the last spans,
 * exit 0. A usage error exits 2 (USAGE_EXIT_CODE), naming the flag or variable at fault.
 */
import {
  BUILTIN_TEMPLATES,
  commonServiceOptions,
  parseServiceOptionsOrExit,
  USAGE_EXIT_CODE,
} from '@tasker/shared';
import { OrchestrationConfigError } from './http/auth/authErrors.ts';
import { type AuthSettings, parseApiKeys, readCredentialFile } from './http/auth/credentials.ts';
import { startOrchestration } from './startOrchestration.ts';
import { startTelemetry } from './startTelemetry.ts';

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
    host: {
      type: 'string',
      default: '127.0.0.1',
      valueName: 'H',
      description: 'HTTP interface (another than loopback needs authentication or --insecure-no-auth)',
    },
    'api-keys-file': {
      type: 'string',
      env: 'TASKER_API_KEYS_FILE',
      valueName: 'F',
      description: 'API keys, one "<name> sha256:<hex> <permission>[,…]" per line',
    },
    'api-keys': {
      type: 'string',
      env: 'TASKER_API_KEYS',
      valueName: 'LINES',
      description: 'API keys as in --api-keys-file, entries separated by ";"',
    },
    'jwt-public-key-file': {
      type: 'string',
      env: 'TASKER_JWT_PUBLIC_KEY_FILE',
      valueName: 'F',
      description: 'accept JWTs signed by this key (PEM SPKI, or a JWK / JWK set)',
    },
    'jwt-issuer': {
      type: 'string',
      env: 'TASKER_JWT_ISSUER',
      valueName: 'I',
      description: "the JWTs' required iss",
    },
    'jwt-audience': {
      type: 'string',
      env: 'TASKER_JWT_AUDIENCE',
      valueName: 'A',
      description: "the JWTs' required aud",
    },
    'jwt-algorithm': {
      type: 'string',
      env: 'TASKER_JWT_ALGORITHM',
      valueName: 'ALG',
      description:
        "the JWTs' algorithm with a PEM key (default RS256; a JWK set accepts RS256, ES256, EdDSA)",
    },
    'max-in-flight': {
      type: 'integer',
      min: 1,
      valueName: 'N',
      description:
        'API requests that need the database let in at once; the next get 503 + Retry-After (default 128)',
    },
    'insecure-no-auth': {
      type: 'boolean',
      description: 'INSECURE: serve without authentication on a non-loopback --host (logged as a warning)',
    },
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
    'otlp-endpoint': commonServiceOptions['otlp-endpoint'],
    'demo-templates': {
      type: 'boolean',
      description: 'register the built-in demo workflows (mathematical_sequence, diamond_pattern, …)',
    },
  },
});

/** The credentials the options name (files read here), or undefined for none. */
async function authSettings(): Promise<AuthSettings | undefined> {
  const apiKeys = [
    ...(options['api-keys-file']
      ? parseApiKeys(await readCredentialFile(options['api-keys-file'], 'API keys'), options['api-keys-file'])
      : []),
    ...(options['api-keys'] ? parseApiKeys(options['api-keys'], 'TASKER_API_KEYS / --api-keys') : []),
  ];
  const keyFile = options['jwt-public-key-file'];
  const jwt = keyFile
    ? {
        publicKey: await readCredentialFile(keyFile, 'JWT public key'),
        ...(options['jwt-issuer'] ? { issuer: options['jwt-issuer'] } : {}),
        ...(options['jwt-audience'] ? { audience: options['jwt-audience'] } : {}),
        ...(options['jwt-algorithm'] ? { algorithms: [options['jwt-algorithm']] } : {}),
      }
    : undefined;
  if (apiKeys.length === 0 && !jwt) return undefined;
  return { ...(apiKeys.length > 0 ? { apiKeys } : {}), ...(jwt ? { jwt } : {}) };
}

async function main(): Promise<void> {
  let lost = false;
  const auth = await authSettings();
  const telemetry = await startTelemetry(options['otlp-endpoint']);
  const service = await startOrchestration({
    ...(auth ? { auth } : {}),
    insecureNoAuth: options['insecure-no-auth'],
    ...(options['max-in-flight'] !== undefined ? { maxInFlight: options['max-in-flight'] } : {}),
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
  console.log(
    `tasker-orchestration listening on ${service.url} (pid ${process.pid}; authentication ${auth ? [auth.apiKeys?.length ? `${auth.apiKeys.length} API key(s)` : '', auth.jwt ? 'JWT' : ''].filter(Boolean).join(' + ') : 'off'}; traces ${telemetry ? `to ${telemetry.destination}` : 'off'})`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`tasker-orchestration: ${signal}, shutting down`);
    (async () => {
      await service.close();
      await telemetry?.shutdown();
    })().then(
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
  // a configuration the service refuses (bad key line, no auth on a public address) is a usage error
  process.exit(error instanceof OrchestrationConfigError ? USAGE_EXIT_CODE : 1);
});
