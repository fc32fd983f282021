/**
 * Task initialization is one transaction: a failure at any point leaves no task, step, edge or
 * transition behind, and the server keeps serving.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { chain, registerTemplate } from '@tasker/shared';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTask, type Orchestration, startOrchestration } from '../src/index.ts';
import { http } from './helpers.ts';

const db = useTestDatabase();
let orchestration: Orchestration;

beforeAll(async () => {
  orchestration = await startOrchestration({ databaseUrl: db.connectionString, onError: () => undefined });
});
afterAll(async () => {
  await orchestration?.close();
});

async function rowsLeft(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<Record<string, number>>(`select
    (select count(*)::int from tasker.tasks) as tasks,
    (select count(*)::int from tasker.workflow_steps) as steps,
    (select count(*)::int from tasker.workflow_step_edges) as edges,
    (select count(*)::int from tasker.task_transitions) as task_transitions,
    (select count(*)::int from tasker.workflow_step_transitions) as step_transitions`);
  return rows[0] ?? {};
}

const nothing = { tasks: 0, steps: 0, edges: 0, task_transitions: 0, step_transitions: 0 };

test('a failure while creating edges (after task and steps) leaves nothing', async () => {
  await registerTemplate(db.pool, chain(3, { namespace: 'atomic_edges' }));
  await db.pool.query(`
    create function pg_temp_fail_edges() returns trigger language plpgsql as $$
    begin raise exception 'injected failure while inserting edges'; end $$;
    create trigger fail_edges before insert on tasker.workflow_step_edges
      for each statement execute function pg_temp_fail_edges();`);
  try {
    const res = await http(orchestration.url, 'POST', '/v1/tasks', {
      namespace: 'atomic_edges',
      name: 'chain_3',
      context: {},
    });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal_error');
    expect(await rowsLeft()).toEqual(nothing);
    expect((await http(orchestration.url, 'GET', '/health')).status).toBe(200);
  } finally {
    await db.pool.query(
      'drop trigger fail_edges on tasker.workflow_step_edges; drop function pg_temp_fail_edges()',
    );
  }
});

test('a failure while publishing (after the steps were marked enqueued) leaves nothing, not even messages', async () => {
  await registerTemplate(db.pool, chain(3, { namespace: 'atomic_publish' }));
  await db.pool.query("select pgmq.drop_queue('worker_atomic_publish_queue')");
  await expect(createTask(db.pool, { namespace: 'atomic_publish', name: 'chain_3' })).rejects.toThrow();
  expect(await rowsLeft()).toEqual(nothing);
  const res = await http(orchestration.url, 'POST', '/v1/tasks', {
    namespace: 'atomic_publish',
    name: 'chain_3',
  });
  expect(res.status).toBe(500);
  expect(await rowsLeft()).toEqual(nothing);
});

test('a successful creation commits everything, with the step enqueued and its message together', async () => {
  await registerTemplate(db.pool, chain(3, { namespace: 'atomic_ok' }));
  const created = await createTask(db.pool, {
    namespace: 'atomic_ok',
    name: 'chain_3',
    context: { even_number: 2 },
  });
  expect(await rowsLeft()).toMatchObject({ tasks: 1, steps: 3, edges: 2 });
  // created in the state it rests in: one transition NULL → steps_in_process; the root step
  // NULL → enqueued, the other two NULL → pending
  expect(await rowsLeft()).toMatchObject({ task_transitions: 1, step_transitions: 3 });
  const { rows: created_in } = await db.pool.query<{ from_state: string | null; to_state: string }>(
    'select from_state, to_state from tasker.task_transitions where task_uuid = $1',
    [created.task.task_uuid],
  );
  expect(created_in).toEqual([{ from_state: null, to_state: 'steps_in_process' }]);
  const { rows } = await db.pool.query<{
    message: { step_uuid: string; task_uuid: string; correlation_id: string };
  }>('select message from pgmq.q_worker_atomic_ok_queue');
  expect(rows).toHaveLength(1);
  expect(rows[0]?.message).toEqual({
    task_uuid: created.task.task_uuid,
    step_uuid: created.steps[0]?.step_uuid,
    correlation_id: created.task.correlation_id,
  });
  expect(created.steps[0]?.state).toBe('enqueued');
});
