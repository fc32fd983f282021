/**
 * Overload (admission control, packages/orchestration/src/http/admission.ts): 1,000 concurrent
 * clients create tasks against one orchestrator (a child process, as deployed) for a few seconds.
 * Every request is answered — 201, or 503 with Retry-After once the orchestrator has its limit of
 * requests in flight — never a connection error or another status; liveness answers every probe
 * throughout (its latency is a figure of the overload bench, not a test's business); the
 * orchestrator's memory stays bounded; and every accepted task completes.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import type { WorkflowTemplate } from '@tasker/shared';
import { afterAll, expect, test } from 'vitest';
import { awaitTasksComplete } from '../../src/load/awaitTasks.ts';
import { runOverload } from '../../src/load/overloadRun.ts';
import { startSystem } from '../../src/system/startSystem.ts';
import type { TaskerSystem } from '../../src/system/taskerSystem.ts';

const db = useTestDatabase('reliability_overload');
const CLIENTS = 1_000;
const DURATION_MS = 3_000;
/** far above what a bounded server needs at this load; an unbounded queue of 1,000 clients' requests grows past it */
const RSS_LIMIT = 400 * 1024 * 1024;

const noop: WorkflowTemplate = {
  namespace: 'rel_overload',
  name: 'noop',
  version: '1.0.0',
  steps: [{ name: 'only', handler: 'noop', dependencies: [], retry: { retryable: true, max_attempts: 3 } }],
};

let system: TaskerSystem | undefined;
afterAll(async () => {
  await system?.stop();
});

test(`${CLIENTS} concurrent clients: every request answered 201 or 503 + Retry-After, liveness up, memory bounded, every accepted task complete`, {
  timeout: 120_000,
}, async () => {
  system = await startSystem({
    connectionString: db.connectionString,
    mode: 'cluster',
    workers: 2,
    templates: [noop],
  });
  const result = await runOverload(system, {
    clients: CLIENTS,
    durationMs: DURATION_MS,
    task: { namespace: noop.namespace, name: noop.name },
  });

  expect(Object.fromEntries(result.problems)).toEqual({});
  expect(result.accepted.length + result.rejected503).toBe(result.requests);
  expect(result.accepted.length).toBeGreaterThan(0);
  // 1,000 clients against a limit of 128 in flight: admission control answered some of them 503
  expect(result.rejected503).toBeGreaterThan(0);
  expect(result.probeFailures).toBe(0);
  expect(result.livenessMs.length).toBeGreaterThan(10);
  expect(result.orchestratorRss.length).toBeGreaterThan(0);
  expect(Math.max(...result.orchestratorRss)).toBeLessThan(RSS_LIMIT);

  await awaitTasksComplete(db.pool, db.connectionString, result.accepted, { timeoutMs: 90_000 });
  const { rows } = await db.pool.query<{ tasks: number; complete: number }>(
    `select count(*)::int as tasks, count(*) filter (where current_state = 'complete')::int as complete
     from tasker.tasks t join tasker.named_tasks nt using (named_task_uuid) where nt.name = $1`,
    [noop.name],
  );
  // nothing but the accepted tasks was created: a 503 did nothing
  expect(rows[0]).toEqual({ tasks: result.accepted.length, complete: result.accepted.length });
});
