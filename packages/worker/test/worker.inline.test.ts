/**
 * The default (inline) hand-off, through tasker.complete_step: a worker alone — no orchestrator —
 * runs a created task to completion, claiming each step its completion made ready in the same round
 * trip (successor claim), and deletes every message it finished. A successor claimed by a worker
 * that then stops is taken over by another worker once its lease runs out, and completes once.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import {
  chain,
  claimStepMessages,
  completeStep,
  completeSteps,
  FINISHED_TASK_STATES,
  fanOut,
  isClaimed,
} from '@tasker/shared';
import { eventually, seedTask } from '@tasker/shared/testing';
import { afterEach, expect, test } from 'vitest';
import { BUILTIN_HANDLERS, createHandlerRegistry, startWorker, type Worker } from '../src/index.ts';

const db = useTestDatabase();
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.close({ drainTimeoutMs: 0 })));
});

async function createChain(namespace: string, length: number): Promise<string> {
  return (await seedTask(db.pool, chain(length, { namespace }), { context: { even_number: 2 } })).taskUuid;
}

async function steps(taskUuid: string) {
  const { rows } = await db.pool.query<{
    state: string;
    attempts: number;
    completions: number;
    successor: boolean;
    reclaimed: boolean;
  }>(
    `select s.current_state as state, s.attempts,
       (select count(*)::int from tasker.workflow_step_transitions t
        where t.workflow_step_uuid = s.workflow_step_uuid and t.to_state = 'complete') as completions,
       exists (select from tasker.workflow_step_transitions t
        where t.workflow_step_uuid = s.workflow_step_uuid and t.metadata ? 'successor_of') as successor,
       exists (select from tasker.workflow_step_transitions t
        where t.workflow_step_uuid = s.workflow_step_uuid and (t.metadata->>'reclaimed')::boolean) as reclaimed
     from tasker.workflow_steps s where s.task_uuid = $1 order by s.workflow_step_uuid`,
    [taskUuid],
  );
  return rows;
}

async function taskState(taskUuid: string): Promise<string> {
  const { rows } = await db.pool.query<{ s: string }>(
    'select current_state as s from tasker.tasks where task_uuid = $1',
    [taskUuid],
  );
  return rows[0]?.s ?? 'missing';
}

async function messagesLeft(queue: string): Promise<{ queued: number; archived: number }> {
  const { rows } = await db.pool.query<{ queued: number; archived: number }>(
    `select (select count(*)::int from pgmq.q_${queue}) as queued, (select count(*)::int from pgmq.a_${queue}) as archived`,
  );
  return rows[0] ?? { queued: -1, archived: -1 };
}

test('a worker alone runs a chain: one claim round trip, every later step claimed by its parent’s completion', async () => {
  const taskUuid = await createChain('inline_alone', 4);
  const worker = await startWorker({ connectionString: db.connectionString, namespaces: ['inline_alone'] });
  workers.push(worker);
  await eventually('the chain to complete', async () => (await taskState(taskUuid)) === 'complete');
  const rows = await steps(taskUuid);
  expect(rows.map((row) => [row.state, row.attempts, row.completions])).toEqual(
    Array.from({ length: 4 }, () => ['complete', 1, 1]),
  );
  // the root was claimed from the queue, the three others by their parent's complete_step
  expect(rows.filter((row) => row.successor)).toHaveLength(3);
  expect(worker.metrics.claimCalls).toBe(1);
  expect(worker.metrics.claimed).toBe(4);
  // finished messages are deleted: the audit trail keeps their msg_id
  expect(await messagesLeft('worker_inline_alone_queue')).toEqual({ queued: 0, archived: 0 });
  const { rows: results } = await db.pool.query<{ results: unknown }>(
    `select s.results from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid)
     where s.task_uuid = $1 and ns.name = 'chain_step_4'`,
    [taskUuid],
  );
  // 2, incremented four times (results are decimal strings)
  expect(results[0]?.results).toEqual({ result: '6' });
});

test('a successor claimed by a worker that stops is taken over after its lease and completes once', async () => {
  const taskUuid = await createChain('inline_takeover', 3);
  let stuck = 0;
  // the first worker's handler never finishes step 2 (which it gets by successor claim)
  const first = await startWorker({
    connectionString: db.connectionString,
    namespaces: ['inline_takeover'],
    visibilityTimeoutSeconds: 2,
    handlerTimeoutMs: 1_900,
    handlers: createHandlerRegistry({
      increment: (context) => {
        if (context.stepName !== 'chain_step_2') return BUILTIN_HANDLERS.increment?.(context);
        stuck++;
        return new Promise(() => undefined);
      },
    }),
  });
  workers.push(first);
  await eventually('step 2 to be held by the first worker', () => stuck > 0, 5_000);
  expect((await steps(taskUuid)).map((row) => row.state)).toEqual(['complete', 'in_progress', 'pending']);
  // it stops without finishing: the claim is abandoned, its message hidden until the lease runs out
  await first.close({ drainTimeoutMs: 0 });
  const second = await startWorker({
    connectionString: db.connectionString,
    namespaces: ['inline_takeover'],
    visibilityTimeoutSeconds: 2,
    handlerTimeoutMs: 1_900,
    pollIntervalMs: 100,
  });
  workers.push(second);
  await eventually('the chain to complete', async () => (await taskState(taskUuid)) === 'complete');
  const rows = await steps(taskUuid);
  expect(rows.map((row) => [row.state, row.completions])).toEqual([
    ['complete', 1],
    ['complete', 1],
    ['complete', 1],
  ]);
  expect(rows[1]).toMatchObject({ attempts: 2, successor: true, reclaimed: true });
  expect(second.metrics.reclaimed).toBe(1);
  expect(await messagesLeft('worker_inline_takeover_queue')).toEqual({ queued: 0, archived: 0 });
});

test('complete_steps applies a batch in one call; the same batch again is stale', async () => {
  const tasks: string[] = [];
  for (let i = 0; i < 3; i++) tasks.push(await createChain('inline_batch', 1));
  const queue = 'worker_inline_batch_queue';
  const claimed = (await claimStepMessages(db.pool, queue, { visibilityTimeoutSeconds: 30, qty: 3 })).filter(
    isClaimed,
  );
  expect(claimed).toHaveLength(3);
  await expect(
    db.pool.query(
      `select * from tasker.complete_steps($1, array[1]::bigint[], array[]::uuid[], array[]::int[], array[]::jsonb[])`,
      [queue],
    ),
  ).rejects.toMatchObject({ code: '22023' });
  const completed = await completeSteps(
    db.pool,
    queue,
    claimed.map((step) => ({
      step,
      outcome: { state: 'completed', results: '{"result":"3"}' } as const,
    })),
    { claimQty: 0, visibilityTimeoutSeconds: 30 },
  );
  expect([...completed.values()].map((c) => c.status)).toEqual(['submitted', 'submitted', 'submitted']);
  for (const task of tasks) expect(await taskState(task)).toBe('complete');
  // the same steps again: every one is stale now, and says so
  const again = await completeSteps(
    db.pool,
    queue,
    claimed.map((step) => ({ step, outcome: { state: 'completed', results: '{}' } as const })),
    { claimQty: 0, visibilityTimeoutSeconds: 30 },
  );
  expect([...again.values()].map((c) => c.status)).toEqual(['stale', 'stale', 'stale']);
});

test('under load the worker batches completions, and a refused result fails only its own step', async () => {
  const tasks: string[] = [];
  for (let i = 0; i < 60; i++) {
    const context = { even_number: 2, bad: i === 7 };
    tasks.push((await seedTask(db.pool, chain(1, { namespace: 'inline_load' }), { context })).taskUuid);
  }
  const worker = await startWorker({
    connectionString: db.connectionString,
    namespaces: ['inline_load'],
    concurrency: 10,
    handlers: createHandlerRegistry({
      // one result PostgreSQL cannot store in jsonb (a NUL character)
      increment: (context) => (context.taskContext.bad ? { text: 'nul \u0000 here' } : { result: '3' }),
    }),
  });
  workers.push(worker);
  await eventually(
    'every task to finish',
    async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `select count(*)::int as n from tasker.tasks where task_uuid = any($1::uuid[]) and current_state = any($2::text[])`,
        [tasks, FINISHED_TASK_STATES],
      );
      return rows[0]?.n === tasks.length;
    },
    20_000,
  );
  const { rows } = await db.pool.query<{ state: string; n: number }>(
    `select current_state as state, count(*)::int as n from tasker.tasks where task_uuid = any($1::uuid[]) group by 1 order by 1`,
    [tasks],
  );
  expect(rows).toEqual([
    { state: 'complete', n: 59 },
    { state: 'error', n: 1 },
  ]);
  expect(worker.metrics.submitted).toBe(60);
  // fewer completion round trips than steps: completions that finished together went as one
  expect(worker.metrics.completionCalls).toBeLessThan(59);
});

test('a completion with no slot to spare enqueues every child it made ready, with notify, for any worker', async () => {
  const { taskUuid } = await seedTask(db.pool, fanOut(3, { namespace: 'inline_fan' }), {
    context: { even_number: 2 },
  });
  const queue = 'worker_inline_fan_queue';
  const [root] = (await claimStepMessages(db.pool, queue, { visibilityTimeoutSeconds: 30, qty: 1 })).filter(
    isClaimed,
  );
  if (!root) throw new Error('expected the root claimed');
  const listener = await db.pool.connect();
  const heard: string[] = [];
  listener.on('notification', (message) => heard.push(message.channel));
  await listener.query('listen "pgmq_message_ready.inline_fan"');
  try {
    const { status, successors } = await completeStep(
      db.pool,
      root,
      { state: 'completed', results: '{"result":"3"}' },
      { claimQty: 0, visibilityTimeoutSeconds: 30 },
    );
    expect({ status, successors }).toEqual({ status: 'submitted', successors: [] });
    const { rows: leaves } = await db.pool.query<{ state: string; trail: string[] }>(
      `select s.current_state as state, array_agg(t.to_state order by t.sort_key) as trail
       from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid)
       join tasker.workflow_step_transitions t using (workflow_step_uuid)
       where s.task_uuid = $1 and ns.name like 'fan_leaf_%' group by s.workflow_step_uuid, s.current_state`,
      [taskUuid],
    );
    expect(leaves).toEqual(
      Array.from({ length: 3 }, () => ({ state: 'enqueued', trail: ['pending', 'enqueued'] })),
    );
    expect(await messagesLeft(queue)).toEqual({ queued: 3, archived: 0 });
    await eventually('the wake-up on pgmq_message_ready.inline_fan', () => heard.length > 0, 2_000);
  } finally {
    listener.release();
  }
});

test('a batch completes both branches of a diamond together: the join is claimed once, stale and fenced entries change nothing', async () => {
  const namespace = 'inline_batch_diamond';
  const retry = { retryable: true, max_attempts: 3 };
  const { taskUuid: task, queue } = await seedTask(db.pool, {
    namespace,
    name: 'diamond',
    version: '1.0.0',
    steps: [
      { name: 'a', handler: 'noop', dependencies: [], retry },
      { name: 'b', handler: 'noop', dependencies: ['a'], retry },
      { name: 'c', handler: 'noop', dependencies: ['a'], retry },
      { name: 'd', handler: 'noop', dependencies: ['b', 'c'], retry },
    ],
  });
  const options = { visibilityTimeoutSeconds: 30, workerId: 'batch-test' };
  const done = { state: 'completed', results: '{}' } as const;
  const [a] = await claimStepMessages(db.pool, queue, { ...options, qty: 10 });
  if (!a || !isClaimed(a)) throw new Error('expected a claim of a');
  const afterA = await completeStep(db.pool, a, done, { ...options, claimQty: 2 });
  expect(afterA.successors.map((s) => s.stepName).sort()).toEqual(['b', 'c']);
  const [b, c] = afterA.successors;
  if (!b || !c) throw new Error('expected b and c');
  // b and c in one batch, with a stale copy of a's claim and a fenced copy of b's (wrong attempt)
  const batch = await completeSteps(
    db.pool,
    queue,
    [b, c, a, { ...b, attempt: b.attempt + 5 }].map((step) => ({ step, outcome: done })),
    { ...options, claimQty: 1 },
  );
  expect(batch.get(b.stepUuid)?.status).toBe('submitted');
  expect(batch.get(c.stepUuid)?.status).toBe('submitted');
  expect(batch.get(a.stepUuid)?.status).toBe('stale');
  const joins = [...batch.values()].flatMap((completion) => completion.successors);
  expect(joins.map((s) => s.stepName)).toEqual(['d']);
  const [d] = joins;
  if (!d) throw new Error('expected d');
  expect((await completeStep(db.pool, d, done, { ...options, claimQty: 1 })).status).toBe('submitted');
  expect(await taskState(task)).toBe('complete');
  const trail = await steps(task);
  expect(trail.map((s) => [s.state, s.completions])).toEqual([
    ['complete', 1],
    ['complete', 1],
    ['complete', 1],
    ['complete', 1],
  ]);
  // every message finished was deleted
  const { rows: left } = await db.pool.query<{ n: number }>(`select count(*)::int as n from pgmq.q_${queue}`);
  expect(left[0]?.n).toBe(0);
});
