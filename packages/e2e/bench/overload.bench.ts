/**
 * Overload: 1,000 concurrent clients create one-step no-op tasks against one orchestrator (a child
 * process, cluster mode, 2 workers) for 10 s (full profile: 30 s); see src/load/overloadRun.ts.
 * Records the liveness probe's latency throughout (GET /health/live from a thread of its own, every
 * 20 ms), the requests answered 201 and 503 (admission control: the orchestrator lets 128 requests
 * that need the database in at once, http/admission.ts), the orchestrator's peak memory, and the
 * rate of accepted tasks. Afterwards every request must have been answered 201 or 503 with
 * Retry-After and every accepted task must be complete.
 */
import { activeProfile, record, recordContext, benchTest as test } from '@tasker/bench-kit';
import type { WorkflowTemplate } from '@tasker/shared';
import { expect } from 'vitest';
import { awaitTasksComplete } from '../src/load/awaitTasks.ts';
import { runOverload } from '../src/load/overloadRun.ts';
import { startSystem } from '../src/system/startSystem.ts';

const CLIENTS = 1_000;
const DURATION_MS = activeProfile() === 'full' ? 30_000 : 10_000;
const TIMEOUT_MS = 600_000;
const noop: WorkflowTemplate = {
  namespace: 'overload_noop',
  name: 'noop',
  version: '1.0.0',
  steps: [{ name: 'only', handler: 'noop', dependencies: [], retry: { retryable: true, max_attempts: 3 } }],
};

test(`overload: ${CLIENTS} concurrent clients for ${DURATION_MS / 1000} s`, { timeout: TIMEOUT_MS }, async ({
  db,
  task,
}) => {
  const system = await startSystem({
    connectionString: db.connectionString,
    mode: 'cluster',
    workers: 2,
    templates: [noop],
  });
  try {
    const result = await runOverload(system, {
      clients: CLIENTS,
      durationMs: DURATION_MS,
      task: { namespace: noop.namespace, name: noop.name },
    });
    // the work measured was done right: every request answered 201 or 503 + Retry-After, every
    // accepted task complete, liveness answered every probe
    expect(Object.fromEntries(result.problems)).toEqual({});
    expect(result.accepted.length + result.rejected503).toBe(result.requests);
    expect(result.probeFailures).toBe(0);
    await awaitTasksComplete(db.pool, db.connectionString, result.accepted, { timeoutMs: 300_000 });

    const note = `${CLIENTS} clients, ${DURATION_MS / 1000} s, one orchestrator (child process, max 128 in flight), 2 workers; a client waits its Retry-After (1 s) after a 503`;
    await recordContext(task, 'configuration', 'overload', note);
    await record(task, 'liveness under overload', {
      kind: 'latency',
      samplesMs: result.livenessMs,
      note: `GET /health/live every 20 ms from a thread of its own, during the load (${result.livenessMs.length} probes, all answered 200)`,
    });
    await record(task, 'liveness under overload: slowest probe', {
      kind: 'value',
      value: Math.max(...result.livenessMs),
      unit: 'ms',
      note: 'the slowest of the probes above (the load opens its 1,000 connections at once at the start)',
    });
    await record(task, 'requests answered 201', {
      kind: 'value',
      value: result.accepted.length,
      unit: 'requests',
      note,
    });
    await record(task, 'requests answered 503 (Retry-After)', {
      kind: 'value',
      value: result.rejected503,
      unit: 'requests',
      note,
    });
    await record(task, 'accepted tasks per second', {
      kind: 'throughput',
      perSecond: (result.accepted.length * 1000) / DURATION_MS,
      unit: 'tasks',
      count: result.accepted.length,
      durationMs: DURATION_MS,
      note: `${note}; every accepted task completed afterwards`,
    });
    const peak = Math.max(...result.orchestratorRss);
    await record(task, 'orchestrator peak RSS', {
      kind: 'value',
      value: peak / (1024 * 1024),
      unit: 'MiB',
      note: `${result.orchestratorRss.length} samples every 250 ms; first ${(result.orchestratorRss[0] ?? 0) / (1024 * 1024)} MiB`,
    });
  } finally {
    await system.stop();
  }
});
