/**
 * A deployment that is already running (docker compose, a staging stack), named by:
 *   TASKER_TEST_ORCHESTRATION_URL   one orchestrator, or
 *   TASKER_TEST_ORCHESTRATION_URLS  several, comma-separated
 *   TASKER_TEST_WORKER_URL          a worker's health endpoint base (optional)
 *   TASKER_TEST_SKIP_HEALTH_CHECK   1/true: skip the check below
 *   TASKER_TEST_API_TOKEN           the credential the API asks for (an API key or a JWT)
 *   TASKER_TEST_OTLP_RECEIVER       <host>:<port> where a system started with `traces` listens for
 *                                   the deployment's spans (its services' OTEL_EXPORTER_OTLP_ENDPOINT
 *                                   must point there, protocol http/json); unset, no spans are read
 * Before anything runs, each service's health endpoint must answer 200 within a few seconds; the
 * error names the one that did not. Workers cannot be started or measured from here.
 */
import { ServiceUnavailableError, TaskerError } from '@tasker/shared';
import { UnsupportedInModeError } from '../errors.ts';
import { startOtlpReceiver } from '../tracing/otlpReceiver.ts';
import { createClientPool } from './clientPool.ts';
import { runningSystem } from './runningSystem.ts';
import type { SystemOptions, TaskerSystem } from './taskerSystem.ts';

const HEALTH_TIMEOUT_MS = 3_000;

export type RemoteTarget = {
  orchestrationUrls: string[];
  workerUrl: string | undefined;
  skipHealthCheck: boolean;
  /** sent with every request, the readiness check included */
  token?: string | undefined;
  /** where to receive the deployment's spans (TASKER_TEST_OTLP_RECEIVER) */
  otlpReceiver?: { host: string; port: number } | undefined;
};

/** TASKER_TEST_OTLP_RECEIVER as host and port (`0.0.0.0:4318`, `[::]:4318`); a bad value is refused naming it. */
function otlpReceiverAddress(value: string | undefined): RemoteTarget['otlpReceiver'] {
  if (!value?.trim()) return undefined;
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port > 0 && port < 65536))
    throw new TaskerError(
      'E2E_CONFIG',
      `TASKER_TEST_OTLP_RECEIVER=${value} is not <host>:<port>, e.g. 0.0.0.0:4318`,
    );
  return { host: match[1], port };
}

/** The remote target the environment names, or undefined when it names none. */
export function remoteTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteTarget | undefined {
  const list = (env.TASKER_TEST_ORCHESTRATION_URLS ?? env.TASKER_TEST_ORCHESTRATION_URL ?? '')
    .split(',')
    .map((url) => url.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (list.length === 0) return undefined;
  const worker = env.TASKER_TEST_WORKER_URL?.trim().replace(/\/+$/, '');
  const skip = env.TASKER_TEST_SKIP_HEALTH_CHECK?.trim().toLowerCase();
  const token = env.TASKER_TEST_API_TOKEN?.trim();
  const otlpReceiver = otlpReceiverAddress(env.TASKER_TEST_OTLP_RECEIVER);
  return {
    orchestrationUrls: list,
    workerUrl: worker || undefined,
    skipHealthCheck: skip === '1' || skip === 'true' || skip === 'yes',
    ...(token ? { token } : {}),
    ...(otlpReceiver ? { otlpReceiver } : {}),
  };
}

const HEALTH_HINT = 'start it, fix the URL, or set TASKER_TEST_SKIP_HEALTH_CHECK=1';

/** A service that does not pass its health check: `problem` says how it failed. */
function notAnswering(service: string, url: string, problem: string, options?: ErrorOptions) {
  return new ServiceUnavailableError(service, `not answering its health check (${problem})`, {
    url,
    hint: HEALTH_HINT,
    ...options,
  });
}

async function checkOne(service: string, url: string, path: string, token?: string): Promise<void> {
  let status: number;
  try {
    const response = await fetch(`${url}${path}`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const problem =
      cause?.code ??
      (error instanceof Error && error.name === 'TimeoutError'
        ? `no answer in ${HEALTH_TIMEOUT_MS} ms`
        : String(error));
    throw notAnswering(service, url, `GET ${path}: ${problem}`, { cause: error });
  }
  if (status === 401 || status === 403)
    throw notAnswering(
      service,
      url,
      `GET ${path} answered ${status}: set TASKER_TEST_API_TOKEN to a credential with the metrics permission`,
    );
  if (status !== 200) throw notAnswering(service, url, `GET ${path} answered ${status}`);
}

/** Checks every service of the target; rejects with ServiceUnavailableError naming the first that failed. */
export async function checkRemoteHealth(target: RemoteTarget): Promise<void> {
  const checks = target.orchestrationUrls.map((url, i) =>
    checkOne(
      target.orchestrationUrls.length > 1 ? `orchestration #${i + 1}` : 'orchestration',
      url,
      '/health/ready',
      target.token,
    ),
  );
  if (target.workerUrl) checks.push(checkOne('worker', target.workerUrl, '/health'));
  const results = await Promise.allSettled(checks);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

export async function connectRemoteSystem(
  target: RemoteTarget,
  options: SystemOptions,
): Promise<TaskerSystem> {
  if (!target.skipHealthCheck) await checkRemoteHealth(target);
  const token = target.token;
  const traces =
    options.traces && target.otlpReceiver ? await startOtlpReceiver(target.otlpReceiver) : undefined;
  return runningSystem({
    mode: 'remote',
    databaseRoles: 'remote',
    apiToken: token,
    orchestrationUrls: target.orchestrationUrls,
    clients: createClientPool(target.orchestrationUrls, options.clientConnections ?? 64, token),
    errors: [],
    traces,
    startWorkers: () => Promise.reject(new UnsupportedInModeError('starting workers', 'remote')),
    memory: () => Promise.reject(new UnsupportedInModeError('memory figures', 'remote')),
    // a remote deployment is left running
    stopServices: async () => {
      await traces?.close();
    },
  });
}
