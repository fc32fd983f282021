/**
 * Cancelling a running workflow: pending and enqueued steps are cancelled, a worker holding a
 * message of a cancelled step loses its claim, and a late result changes nothing.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Orchestration, startOrchestration } from '../src/index.ts';
import {
  type ClaimedStep,
  claimSteps,
  eventually,
  http,
  sendResult,
  submitStep,
  taskState,
} from './helpers.ts';

const db = useTestDatabase();
let orchestration: Orchestration;
const ns = mathematicalSequence.namespace;

beforeAll(async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
  });
});
afterAll(async () => {
  await orchestration?.close();
});

async function states(uuid: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ state: string }>(
    'select current_state as state from tasker.workflow_steps where task_uuid = $1 order by workflow_step_uuid',
    [uuid],
  );
  return rows.map((r) => r.state);
}

/** Creates a task of the sequence (`t` tells the tasks apart) and claims its first step. */
async function startTaskAndClaimFirst(t: number): Promise<{ uuid: string; first: ClaimedStep }> {
  const res = await http(orchestration.url, 'POST', '/v1/tasks', {
    namespace: ns,
    name: mathematicalSequence.name,
    context: { even_number: 2, t },
  });
  expect(res.status).toBe(201);
  const [first] = await claimSteps(db.pool, ns);
  if (!first) throw new Error('no first step');
  return { uuid: res.body.task.task_uuid, first };
}

test('cancel after the first step: the rest is cancelled and the enqueued message is dropped by its claimant', async () => {
  const { uuid, first } = await startTaskAndClaimFirst(1);
  await submitStep(db.pool, first);
  await eventually('step 2 enqueued', async () => (await states(uuid))[1] === 'enqueued');

  const cancelled = await http(orchestration.url, 'DELETE', `/v1/tasks/${uuid}`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.steps_cancelled).toBe(3);
  expect(await states(uuid)).toEqual(['complete', 'cancelled', 'cancelled', 'cancelled']);
  expect(await claimSteps(db.pool, ns)).toEqual([]); // the claim's compare-and-swap loses; message archived
  expect(await taskState(db.pool, uuid)).toBe('cancelled');
});

test('a result arriving after the cancel is stale and enqueues nothing', async () => {
  const { uuid, first } = await startTaskAndClaimFirst(2); // first: in_progress
  expect((await http(orchestration.url, 'DELETE', `/v1/tasks/${uuid}`)).status).toBe(200);
  const staleBefore = orchestration.metrics.resultsProcessed.get({ outcome: 'stale' });
  // the worker's own submit finds the step cancelled: it changes nothing and sends nothing
  expect(await submitStep(db.pool, first)).toBe('stale');
  // a result that was already on its way when the task was cancelled
  await sendResult(db.pool, first);
  await eventually(
    'the late result processed',
    async () => orchestration.metrics.resultsProcessed.get({ outcome: 'stale' }) === staleBefore + 1,
  );
  expect(await states(uuid)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
  expect(await claimSteps(db.pool, ns)).toEqual([]);
});
