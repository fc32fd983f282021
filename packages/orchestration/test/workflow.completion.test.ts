/**
 * Whole workflows driven by a simulated worker through a real orchestrator: every step completes
 * once, the task completes, and waiters learn it from the completion notification.
 */

import { useTestDatabase } from '@tasker/bench-kit';
import { diamondPattern, fanOut, mathematicalSequence } from '@tasker/shared';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Orchestration, startOrchestration } from '../src/index.ts';
import { http, runSimulatedWorker, taskState } from './helpers.ts';

const db = useTestDatabase();
let orchestration: Orchestration;
const errors: Error[] = [];

beforeAll(async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence, diamondPattern, fanOut(5)],
    onError: (e) => errors.push(e),
  });
});
afterAll(async () => {
  await orchestration?.close();
});

describe.each([mathematicalSequence, diamondPattern, fanOut(5)])('$name', (template) => {
  test('runs to complete, each step completed exactly once', async () => {
    const created = await http(orchestration.url, 'POST', '/v1/tasks', {
      namespace: template.namespace,
      name: template.name,
      context: { even_number: 6 },
      identity_strategy: 'always_unique',
    });
    expect(created.status).toBe(201);
    const uuid: string = created.body.task.task_uuid;
    expect(created.body.steps).toHaveLength(template.steps.length);
    const waiting = http(orchestration.url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=10000`);

    const executed = await runSimulatedWorker(
      db.pool,
      template.namespace,
      async () => (await taskState(db.pool, uuid)) === 'complete',
    );
    expect(executed).toBe(template.steps.length);

    const waited = await waiting;
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({
      task_uuid: uuid,
      state: 'complete',
      completed: true,
      timed_out: false,
    });

    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from tasker.workflow_step_transitions st
       join tasker.workflow_steps s using (workflow_step_uuid)
       where s.task_uuid = $1 and st.to_state = 'complete'`,
      [uuid],
    );
    expect(rows[0]?.n).toBe(template.steps.length);
    const task = await http(orchestration.url, 'GET', `/v1/tasks/${uuid}`);
    expect(task.body.state).toBe('complete');
    expect(task.body.completed_at).not.toBeNull();
    expect(task.body.execution_context.completion_percentage).toBe(100);
  });
});

test('no background errors', () => {
  expect(errors).toEqual([]);
});
