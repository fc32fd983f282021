/**
 * Real service processes for the reliability tests: `tasker-orchestration` and `tasker-worker` started
 * with `node <cli>.ts` on the Node running the tests, their output kept line by line, and always
 * killed at the end (stopAll in afterEach/afterAll). Tests kill them on purpose with kill().
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { resultHandoffFromEnv } from '../../../src/index.ts';

const ORCHESTRATION_CLI = fileURLToPath(new URL('../../../../orchestration/src/cli.ts', import.meta.url));
const WORKER_CLI = fileURLToPath(new URL('../../../../worker/src/cli.ts', import.meta.url));

export interface ServiceProcess {
  kind: 'orchestration' | 'worker';
  child: ChildProcess;
  /** http port: the API (orchestration) or /health and /metrics (worker) */
  port: number;
  url: string;
  /** stdout and stderr, one entry per line, in arrival order */
  lines: string[];
  exited: Promise<number | null>;
}

const started = new Set<ServiceProcess>();

function spawnService(
  kind: ServiceProcess['kind'],
  args: string[],
  portOf: (line: string) => number | undefined,
): Promise<ServiceProcess> {
  const cli = kind === 'orchestration' ? ORCHESTRATION_CLI : WORKER_CLI;
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return new Promise<ServiceProcess>((resolve, reject) => {
    let settled = false;
    const collect = (stream: NodeJS.ReadableStream | null) => {
      let buffer = '';
      stream?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          lines.push(line);
          const port = settled ? undefined : portOf(line);
          if (port !== undefined) {
            settled = true;
            const service: ServiceProcess = {
              kind,
              child,
              port,
              url: `http://127.0.0.1:${port}`,
              lines,
              exited,
            };
            started.add(service);
            resolve(service);
          }
        }
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    void exited.then((code) => {
      if (!settled) reject(new Error(`${kind} exited with ${code} before starting:\n${lines.join('\n')}`));
    });
    setTimeout(() => {
      if (settled) return;
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within 20 s:\n${lines.join('\n')}`));
    }, 20_000).unref();
  });
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
  return spawnService('orchestration', args, (line) => {
    const match = /listening on http:\/\/[^:]+:(\d+)/.exec(line);
    return match ? Number(match[1]) : undefined;
  });
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
  return spawnService('worker', args, (line) => {
    if (!line.startsWith('{')) return undefined;
    const event = JSON.parse(line) as { event?: string; port?: number };
    return event.event === 'started' ? event.port : undefined;
  });
}

/** Sends `signal` and waits for the exit (SIGKILL: the crash; SIGTERM: the graceful stop). */
export async function kill(
  service: ServiceProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number | null> {
  started.delete(service);
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
  return service.exited;
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
