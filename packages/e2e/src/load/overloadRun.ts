/**
 * Overload: `clients` concurrent clients create tasks against one orchestrator for `durationMs`,
 * each as fast as it is answered (after a 503 it waits what Retry-After says, ±50 % jitter, as
 * TaskerClient does, or `pauseAfter503Ms` when given), while a prober in a worker thread — its own event loop, so the load
 * generator's never delays it — asks GET /health/live every `probeIntervalMs`, and the system's
 * memory is sampled. Every answer is classified: 201 (accepted, its task kept), 503 with
 * Retry-After, or anything else (a problem: another status, a 503 without Retry-After, a connection
 * error). The caller waits for the accepted tasks and checks the figures (overload test, overload
 * bench). The clients share an undici Pool with one connection each: the same keep-alive HTTP/1.1 a
 * TaskerClient speaks, at a third of fetch's CPU per request, which on two cores is CPU the
 * orchestrator being measured keeps.
 */
import { Worker } from 'node:worker_threads';
import { Pool } from 'undici';
import type { TaskerSystem } from '../system/taskerSystem.ts';

export interface OverloadOptions {
  clients: number;
  durationMs: number;
  /** the body of every POST /v1/tasks (each gets a unique context) */
  task: { namespace: string; name: string };
  /** the wait after a 503 (default: its Retry-After) */
  pauseAfter503Ms?: number;
  probeIntervalMs?: number;
  memoryIntervalMs?: number;
}

export interface OverloadResult {
  requests: number;
  accepted: string[];
  rejected503: number;
  /** answers that were neither 201 nor a 503 with Retry-After, and connection errors, by kind */
  problems: Map<string, number>;
  /** ms of each liveness probe, in order; failed probes are in probeFailures */
  livenessMs: number[];
  probeFailures: number;
  /** peak RSS of each of the system's processes (in-process: this one), bytes */
  peakRss: Map<string, number>;
  /** RSS samples of the orchestrator process(es), bytes, in order */
  orchestratorRss: number[];
}

const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, intervalMs } = workerData;
const samples = [];
let failures = 0;
let running = true;
parentPort.on('message', () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) samples.push(performance.now() - started); else failures++;
    } catch { failures++; }
    const wait = intervalMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  parentPort.postMessage({ samples, failures });
})();
`;

export async function runOverload(system: TaskerSystem, options: OverloadOptions): Promise<OverloadResult> {
  const url = system.orchestrationUrls[0];
  if (!url) throw new Error('runOverload: the system has no orchestrator');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(system.apiToken ? { authorization: `Bearer ${system.apiToken}` } : {}),
  };
  const result: OverloadResult = {
    requests: 0,
    accepted: [],
    rejected503: 0,
    problems: new Map(),
    livenessMs: [],
    probeFailures: 0,
    peakRss: new Map(),
    orchestratorRss: [],
  };
  const problem = (kind: string) => result.problems.set(kind, (result.problems.get(kind) ?? 0) + 1);

  const prober = new Worker(PROBER, {
    eval: true,
    workerData: { url: `${url}/health/live`, intervalMs: options.probeIntervalMs ?? 20 },
  });
  const probed = new Promise<{ samples: number[]; failures: number }>((resolve, reject) => {
    prober.once('message', resolve);
    prober.once('error', reject);
  });

  const deadline = performance.now() + options.durationMs;
  let memoryDone = false;
  const sampleMemory = async () => {
    while (!memoryDone) {
      for (const m of await system.memory().catch(() => [])) {
        result.peakRss.set(m.role, Math.max(result.peakRss.get(m.role) ?? 0, m.rss));
        if (m.role.startsWith('orchestration') || system.mode === 'in-process')
          result.orchestratorRss.push(m.rss);
      }
      await new Promise((resolve) => setTimeout(resolve, options.memoryIntervalMs ?? 250));
    }
  };
  const memory = sampleMemory();

  let seq = 0;
  const pool = new Pool(url, { connections: options.clients, pipelining: 1 });
  const client = async (id: number) => {
    while (performance.now() < deadline) {
      result.requests++;
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/v1/tasks',
          headers,
          body: JSON.stringify({ ...options.task, context: { client: id, n: seq++ } }),
        });
        const text = await response.body.text();
        let body: { task?: { task_uuid?: string }; error?: { code?: string } } | undefined;
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          body = undefined;
        }
        const retryAfter = response.headers['retry-after'];
        if (response.statusCode === 201 && body?.task?.task_uuid) result.accepted.push(body.task.task_uuid);
        else if (response.statusCode === 503 && typeof retryAfter === 'string') {
          result.rejected503++;
          // with jitter, as TaskerClient waits: clients told the same Retry-After do not come back at once
          const pause = options.pauseAfter503Ms ?? Number(retryAfter) * 1000 * (0.5 + Math.random());
          await new Promise((resolve) => setTimeout(resolve, pause));
        } else problem(`${response.statusCode} ${body?.error?.code ?? ''}`.trim());
      } catch (error) {
        problem(`connection error ${(error as { code?: string }).code ?? (error as Error).name}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  } finally {
    await pool.close();
    memoryDone = true;
    await memory;
    prober.postMessage('stop');
    const { samples, failures } = await probed;
    await prober.terminate();
    result.livenessMs = samples;
    result.probeFailures = failures;
  }
  return result;
}
