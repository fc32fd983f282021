/**
 * Poison messages in both directions — a worker queue and orchestration_step_results — while a
 * worker and orchestration run: JSON that is not a message (a bare string, an array, null, {}), a
 * step_uuid that is not a uuid or not a string, and a well-formed message for a step that does not
 * exist. Each is read once and archived (moved aside, never redelivered), counted in the services'
 * metrics, and neither process crashes: a real task completes afterwards. Malformed JSON text never
 * reaches a queue at all: the message column is jsonb, so the send itself is refused.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@tasker/bench-kit';
import { type Orchestration, startOrchestration } from '@tasker/orchestration';
import { ORCHESTRATION_STEP_RESULTS_QUEUE, registerTemplate } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import { startWorker, type Worker } from '@tasker/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allFinished, queueDepth } from './helpers/audit.ts';

const db = useTestDatabase('reliability_poison');
const NAMESPACE = 'rel_poison';
const WORKER_QUEUE = `worker_${NAMESPACE}_queue`;
const RESULTS_QUEUE = ORCHESTRATION_STEP_RESULTS_QUEUE;

const POISON: readonly string[] = [
  '"a bare string"',
  '[1, 2, 3]',
  'null',
  '{}',
  '{"step_uuid": "not-a-uuid"}',
  '{"step_uuid": 42}',
  '{"step_uuid": "\'; drop table tasker.tasks; --"}',
  JSON.stringify({ task_uuid: randomUUID(), step_uuid: randomUUID(), correlation_id: randomUUID() }),
  JSON.stringify({
    task_uuid: randomUUID(),
    step_uuid: randomUUID(),
    status: 'enqueued_for_orchestration',
    correlation_id: randomUUID(),
  }),
];

let orchestration: Orchestration | undefined;
let worker: Worker | undefined;
const errors: Error[] = [];

beforeAll(async () => {
  const retry = { retryable: true, max_attempts: 3 };
  await registerTemplate(db.pool, {
    namespace: NAMESPACE,
    name: 'pair',
    version: '1.0.0',
    steps: [
      { name: 'a', handler: 'noop', dependencies: [], retry },
      { name: 'b', handler: 'noop', dependencies: ['a'], retry },
    ],
  });
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    resultPollIntervalMs: 200,
    visibilityTimeoutSeconds: 1,
    onError: (error) => errors.push(error),
  });
  worker = await startWorker({
    connectionString: db.connectionString,
    namespaces: [NAMESPACE],
    visibilityTimeoutSeconds: 1,
    handlerTimeoutMs: 500,
    pollIntervalMs: 200,
    onError: (error) => errors.push(error),
  });
});

afterAll(async () => {
  await worker?.close({ drainTimeoutMs: 1_000 });
  await orchestration?.close();
});

async function archived(
  queue: string,
  ids: readonly string[],
): Promise<{ msg_id: string; read_ct: number }[]> {
  const { rows } = await db.pool.query<{ msg_id: string; read_ct: number }>(
    `select msg_id::text, read_ct from pgmq.${queue === WORKER_QUEUE ? `a_${WORKER_QUEUE}` : `a_${RESULTS_QUEUE}`}
     where msg_id = any($1::bigint[]) order by msg_id`,
    [ids],
  );
  return rows;
}

test('malformed JSON text is refused by the send itself; nothing reaches the queue', async () => {
  const before = await queueDepth(db.pool, WORKER_QUEUE);
  await expect(
    db.pool.query('select tasker.pgmq_send_with_notify($1, $2::jsonb)', [WORKER_QUEUE, '{"step_uuid": ']),
  ).rejects.toMatchObject({ code: '22P02' });
  await expect(
    db.pool.query('select pgmq.send($1, $2::jsonb)', [RESULTS_QUEUE, 'not json']),
  ).rejects.toMatchObject({
    code: '22P02',
  });
  expect(await queueDepth(db.pool, WORKER_QUEUE)).toBe(before);
});

test('poison in a worker queue and in orchestration_step_results: archived after one read, services keep working', async () => {
  const send = async (queue: string, body: string) => {
    const { rows } = await db.pool.query<{ id: string }>(
      'select tasker.pgmq_send_with_notify($1, $2::jsonb)::text as id',
      [queue, body],
    );
    return rows[0]?.id ?? '';
  };
  const workerIds: string[] = [];
  const resultIds: string[] = [];
  for (const body of POISON) {
    workerIds.push(await send(WORKER_QUEUE, body));
    resultIds.push(await send(RESULTS_QUEUE, body));
  }

  await eventually('both queues to be empty', async () =>
    (await queueDepth(db.pool, WORKER_QUEUE)) === 0 && (await queueDepth(db.pool, RESULTS_QUEUE)) === 0
      ? true
      : undefined,
  );
  // every poison message is in the archive, read exactly once (never redelivered)
  const workerArchive = await archived(WORKER_QUEUE, workerIds);
  const resultArchive = await archived(RESULTS_QUEUE, resultIds);
  expect(workerArchive.map((row) => row.read_ct)).toEqual(POISON.map(() => 1));
  expect(resultArchive.map((row) => row.read_ct)).toEqual(POISON.map(() => 1));
  // and counted where an operator looks
  const skipped = worker?.metrics.skipped;
  expect((skipped?.invalid ?? 0) + (skipped?.finished ?? 0)).toBe(POISON.length);
  expect(orchestration?.metrics.render()).toMatch(/outcome="invalid"\} 7/);
  expect(orchestration?.metrics.render()).toMatch(/outcome="unknown_step"\} 2/);

  // a second look a few lease lengths later: nothing came back
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await queueDepth(db.pool, WORKER_QUEUE)).toBe(0);
  expect(await queueDepth(db.pool, RESULTS_QUEUE)).toBe(0);

  // both services still run real work
  const response = await fetch(`${orchestration?.url}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: NAMESPACE, name: 'pair', context: {} }),
  });
  expect(response.status).toBe(201);
  expect(await allFinished(db.pool, NAMESPACE, 1)).toEqual({ complete: 1 });
  expect(worker?.state).toBe('running');
});
