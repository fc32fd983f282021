/**
 * Real service processes for the reliability tests: `tasker-orchestration` and `tasker-worker` started
 * the way cluster mode starts them (spawnChildService: the CLI under the runner's guard, its output
 * kept line by line), and always killed at the end (stopAll in afterEach/afterAll). Tests kill them
 * on purpose with kill().
 */
import { resultHandoffFromEnv } from '../../../src/index.ts';
import { type ChildService, spawnChildService } from '../../../src/system/childProcesses.ts';
import { ORCHESTRATION_CLI, WORKER_CLI } from '../../../src/system/serviceClis.ts';

export interface ServiceProcess extends ChildService {
  kind: 'orchestration' | 'worker';
  /** http port: the API (orchestration) or /health and /metrics (worker) */
  port: number;
  url: string;
}

const started = new Set<ServiceProcess>();

async function startService(
  kind: ServiceProcess['kind'],
  cli: { script: string; ready: RegExp },
  args: string[],
): Promise<ServiceProcess> {
  const child = await spawnChildService({ role: kind, ...cli, args });
  // the orchestrator's ready line names its URL, the worker's its health port
  const url = kind === 'orchestration' ? child.readyValue : `http://127.0.0.1:${child.readyValue}`;
  const service = Object.assign(child, { kind, port: Number(new URL(url).port), url });
  started.add(service);
  return service;
}

export interface OrchestrationArgs {
  databaseUrl: string;
  /** seconds a result read by this process stays hidden from the next one (default 30) */
  visibilityTimeoutSeconds?: number;
  resultPollIntervalMs?: number;
}

export function startOrchestrationProcess(options: OrchestrationArgs): Promise<ServiceProcess> {
  const args = ['--database-url', options.databaseUrl, '--port', '0', '--host', '127.0.0.1'];
  if (options.visibilityTimeoutSeconds !== undefined)
    args.push('--visibility-timeout', String(options.visibilityTimeoutSeconds));
  if (options.resultPollIntervalMs !== undefined)
    args.push('--result-poll-interval-ms', String(options.resultPollIntervalMs));
  return startService('orchestration', ORCHESTRATION_CLI, args);
}

export interface WorkerArgs {
  databaseUrl: string;
  namespaces: readonly string[];
  concurrency?: number;
  visibilityTimeoutSeconds?: number;
  handlerTimeoutMs?: number;
  pollIntervalMs?: number;
  /** how results reach orchestration (default: TASKER_RESULT_HANDOFF, else inline) */
  resultHandoff?: 'inline' | 'queue';
}

export function startWorkerProcess(options: WorkerArgs): Promise<ServiceProcess> {
  const args = [
    '--database-url',
    options.databaseUrl,
    '--namespaces',
    options.namespaces.join(','),
    '--port',
    '0',
  ];
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  if (options.visibilityTimeoutSeconds !== undefined)
    args.push('--visibility-timeout', String(options.visibilityTimeoutSeconds));
  if (options.handlerTimeoutMs !== undefined)
    args.push('--handler-timeout-ms', String(options.handlerTimeoutMs));
  if (options.pollIntervalMs !== undefined) args.push('--poll-interval-ms', String(options.pollIntervalMs));
  // TASKER_RESULT_HANDOFF=queue (CI's second run) runs these fault tests against the queue hand-off
  args.push('--result-handoff', options.resultHandoff ?? resultHandoffFromEnv());
  // the fault tests' templates run the sleep handler
  args.push('--test-handlers');
  return startService('worker', WORKER_CLI, args);
}

/** Sends `signal` and waits for the exit (SIGKILL: the crash; SIGTERM: the graceful stop). */
export async function kill(
  service: ServiceProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number | null> {
  started.delete(service);
  return service.kill(signal);
}

/** Kills every service still running (afterEach / afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((service) => kill(service)));
}

/** GET a service's endpoint: status and parsed JSON (or text) body; status 0 when it does not answer. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  } catch {
    return { status: 0, body: undefined };
  }
}
