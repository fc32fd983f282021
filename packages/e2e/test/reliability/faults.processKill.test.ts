/**
 * Processes killed outright (SIGKILL, no shutdown code runs) in the middle of a workflow:
 * - a worker mid-step: the claimed message reappears after its visibility timeout, another worker
 *   process takes the step over (attempt 2) and the workflow completes;
 * - the orchestration process mid-workflow: workers keep handing results back into
 *   orchestration_step_results; a restarted orchestration processes them and every task completes
 *   (with TASKER_RESULT_HANDOFF=inline the workers apply their results themselves, and every task
 *   completes while no orchestration runs).
 * Both end with each step executed to completion exactly once (transitions audit trail).
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { ORCHESTRATION_STEP_RESULTS_QUEUE, registerTemplate, type WorkflowTemplate } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import { afterEach, expect, test } from 'vitest';
import { resultHandoffFromEnv } from '../../src/index.ts';
import { allFinished, createTaskHttp, executionAudit, queueDepth } from './helpers/audit.ts';
import { kill, startOrchestrationProcess, startWorkerProcess, stopAll } from './helpers/services.ts';

const db = useTestDatabase('reliability_process_kill');
const RETRY = { retryable: true, max_attempts: 3 };
/** a short lease, so a dead worker's step comes back within seconds */
const LEASE_SECONDS = 2;

afterEach(stopAll);

async function stepsIn(namespace: string, state: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `select count(*)::int as n from tasker.workflow_steps s join tasker.tasks t using (task_uuid)
     join tasker.named_tasks nt using (named_task_uuid) join tasker.task_namespaces ns using (task_namespace_uuid)
     where ns.name = $1 and s.current_state = $2`,
    [namespace, state],
  );
  return rows[0]?.n ?? 0;
}

test('a worker SIGKILLed mid-step: the step comes back after the lease and another worker completes it', async () => {
  const template: WorkflowTemplate = {
    namespace: 'rel_crash',
    name: 'nap_then_noop',
    version: '1.0.0',
    steps: [
      { name: 'nap', handler: 'sleep', dependencies: [], retry: RETRY, inputs: { ms: 1200 } },
      { name: 'after', handler: 'noop', dependencies: ['nap'], retry: RETRY },
    ],
  };
  await registerTemplate(db.pool, template);
  const orchestration = await startOrchestrationProcess({
    databaseUrl: db.connectionString,
    visibilityTimeoutSeconds: LEASE_SECONDS,
    resultPollIntervalMs: 200,
  });
  const workerArgs = {
    databaseUrl: db.connectionString,
    namespaces: ['rel_crash'],
    visibilityTimeoutSeconds: LEASE_SECONDS,
    handlerTimeoutMs: 1_800,
    pollIntervalMs: 200,
  };
  const doomed = await startWorkerProcess(workerArgs);
  const TASKS = 4;
  for (let i = 0; i < TASKS; i++) {
    const created = await createTaskHttp(orchestration.url, {
      namespace: 'rel_crash',
      name: 'nap_then_noop',
      context: { i },
    });
    expect(created.status).toBe(201);
  }
  await eventually(
    'every nap step to be in progress',
    async () => (await stepsIn('rel_crash', 'in_progress')) === TASKS,
  );
  await kill(doomed, 'SIGKILL');

  await startWorkerProcess(workerArgs);
  expect(await allFinished(db.pool, 'rel_crash', TASKS)).toEqual({ complete: TASKS });
  const audit = await executionAudit(db.pool, 'rel_crash');
  expect(audit).toMatchObject({
    steps: TASKS * 2,
    completeSteps: TASKS * 2,
    completions: TASKS * 2,
    duplicated: 0,
    missing: 0,
  });
  // each nap was taken over once, by the second worker, as attempt 2
  expect(audit.reclaims).toBe(TASKS);
  const { rows } = await db.pool.query<{ attempts: number }>(
    `select distinct s.attempts from tasker.workflow_steps s join tasker.named_steps n using (named_step_uuid)
     join tasker.tasks t using (task_uuid) join tasker.named_tasks nt on nt.named_task_uuid = t.named_task_uuid
     where n.name = 'nap' and nt.name = 'nap_then_noop'`,
  );
  expect(rows).toEqual([{ attempts: 2 }]);
  expect(await queueDepth(db.pool, 'worker_rel_crash_queue')).toBe(0);
}, 60_000);

test('orchestration SIGKILLed mid-workflow and restarted: the results handed back meanwhile are processed', async () => {
  const template: WorkflowTemplate = {
    namespace: 'rel_restart',
    name: 'three_naps',
    version: '1.0.0',
    steps: ['a', 'b', 'c'].map((name, i, all) => ({
      name,
      handler: 'sleep',
      dependencies: i === 0 ? [] : [all[i - 1] as string],
      retry: RETRY,
      inputs: { ms: 150 },
    })),
  };
  await registerTemplate(db.pool, template);
  const options = {
    databaseUrl: db.connectionString,
    visibilityTimeoutSeconds: LEASE_SECONDS,
    resultPollIntervalMs: 200,
  };
  const first = await startOrchestrationProcess(options);
  await startWorkerProcess({
    databaseUrl: db.connectionString,
    namespaces: ['rel_restart'],
    pollIntervalMs: 200,
  });
  const TASKS = 10;
  for (let i = 0; i < TASKS; i++) {
    const created = await createTaskHttp(first.url, {
      namespace: 'rel_restart',
      name: 'three_naps',
      context: { i },
    });
    expect(created.status).toBe(201);
  }
  // mid-workflow: some steps done, no task finished yet
  await eventually(
    'the first steps to complete',
    async () => (await stepsIn('rel_restart', 'complete')) > 0,
    { timeoutMs: 20_000, intervalMs: 20 },
  );
  await kill(first, 'SIGKILL');
  expect((await allStates()).complete ?? 0).toBeLessThan(TASKS);
  if (resultHandoffFromEnv() === 'queue') {
    // the worker keeps handing results back; nobody processes them
    await eventually(
      'results to wait in orchestration_step_results',
      async () => (await queueDepth(db.pool, ORCHESTRATION_STEP_RESULTS_QUEUE)) > 0,
    );
    await startOrchestrationProcess(options);
    expect(await allFinished(db.pool, 'rel_restart', TASKS)).toEqual({ complete: TASKS });
  } else {
    // inline hand-off: the worker applies its own results, so the workflows finish with no
    // orchestration running at all; a restarted one finds nothing to do
    expect(await allFinished(db.pool, 'rel_restart', TASKS)).toEqual({ complete: TASKS });
    await startOrchestrationProcess(options);
  }
  expect(await executionAudit(db.pool, 'rel_restart')).toMatchObject({
    steps: TASKS * 3,
    completeSteps: TASKS * 3,
    completions: TASKS * 3,
    duplicated: 0,
    missing: 0,
  });
  expect(await queueDepth(db.pool, ORCHESTRATION_STEP_RESULTS_QUEUE)).toBe(0);

  async function allStates(): Promise<Record<string, number>> {
    const { rows } = await db.pool.query<{ state: string; n: number }>(
      `select t.current_state as state, count(*)::int as n from tasker.tasks t
       join tasker.named_tasks nt using (named_task_uuid) where nt.name = 'three_naps' group by 1`,
    );
    return Object.fromEntries(rows.map((row) => [row.state, row.n]));
  }
}, 60_000);
