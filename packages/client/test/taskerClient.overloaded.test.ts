/**
 * TaskerClient against an orchestrator at its limit of requests in flight (admission control,
 * packages/orchestration/src/http/admission.ts): a creation answered 503 `overloaded` did nothing,
 * so the client waits its Retry-After and sends it again, and it succeeds.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { type Orchestration, startOrchestration } from '@tasker/orchestration';
import { mathematicalSequence } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import type pg from 'pg';
import { afterEach, expect, test } from 'vitest';
import { TaskerClient } from '../src/index.ts';

const db = useTestDatabase();
let orchestration: Orchestration | undefined;
let holder: pg.PoolClient | undefined;
afterEach(async () => {
  await holder?.query('rollback').catch(() => undefined);
  holder?.release();
  holder = undefined;
  await orchestration?.close();
});

const body = () => ({
  namespace: mathematicalSequence.namespace,
  name: mathematicalSequence.name,
  context: { even_number: 2, n: Math.random() },
});

/** Creates a task, then holds its row locked: a cancel of it waits (holding its connection). */
async function lockedTask(url: string): Promise<string> {
  const created = (await (await fetch(`${url}/v1/tasks`, post(body()))).json()) as {
    task: { task_uuid: string };
  };
  holder = await db.pool.connect();
  await holder.query('begin');
  await holder.query('select 1 from tasker.tasks where task_uuid = $1 for update', [created.task.task_uuid]);
  return created.task.task_uuid;
}

const post = (payload: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(payload),
});

test('TaskerClient waits a refused creation out and sends it again', async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
    maxInFlight: 1,
    onError: () => undefined,
  });
  const url = orchestration.url;
  const uuid = await lockedTask(url);
  const blocked = fetch(`${url}/v1/tasks/${uuid}`, { method: 'DELETE' });
  await eventually('one request in flight', async () => orchestration?.server.admission.inFlight === 1);
  const client = new TaskerClient(url, { retries: 3 });
  try {
    const creating = client.createTask(body());
    await eventually('a refusal', async () => (orchestration?.server.admission.rejected ?? 0) >= 1);
    await holder?.query('rollback');
    await blocked;
    const created = await creating;
    expect(created.task.state).toBeDefined();
    expect(orchestration.server.admission.rejected).toBeGreaterThanOrEqual(1);
  } finally {
    await client.close();
  }
});
