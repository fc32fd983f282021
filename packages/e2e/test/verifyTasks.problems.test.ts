/**
 * verifyTasks, the check benches run on the work they timed, finds each way that work can be wrong:
 * it passes a correctly finished task, and names a wrong result, a task that never finished and a
 * message left in a queue.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence, sendWithNotify, workerQueueName } from '@tasker/shared';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSystem, type TaskerSystem, verifyTasks, type WorkerGroup } from '../src/index.ts';

const db = useTestDatabase();
let system: TaskerSystem;
let workers: WorkerGroup;

beforeAll(async () => {
  system = await startSystem({ connectionString: db.connectionString, workers: 0 });
  workers = await system.startWorkers(1);
});
afterAll(async () => {
  await system?.stop();
});

async function runTask(): Promise<string> {
  const { task } = await system.client.createTask({
    namespace: mathematicalSequence.namespace,
    name: mathematicalSequence.name,
    context: { even_number: 4 },
    identity_strategy: 'always_unique',
  });
  const done = await system.client.waitForCompletion(task.task_uuid, { timeoutMs: 20_000 });
  expect(done.state).toBe('complete');
  return task.task_uuid;
}

test('a task that finished right passes; a wrong result is named with its step', async () => {
  const good = await runTask();
  expect(await verifyTasks(db.pool, mathematicalSequence, [good])).toEqual({
    tasks: 1,
    correct: 1,
    queued: 0,
    problems: [],
  });

  const bad = await runTask();
  const last = mathematicalSequence.steps.at(-1)?.name ?? '';
  await db.pool.query(
    `update tasker.workflow_steps s set results = '{"result": "1"}'
     from tasker.named_steps ns
     where ns.named_step_uuid = s.named_step_uuid and s.task_uuid = $1 and ns.name = $2`,
    [bad, last],
  );
  const verified = await verifyTasks(db.pool, mathematicalSequence, [good, bad]);
  expect(verified).toMatchObject({ tasks: 2, correct: 1, queued: 0 });
  expect(verified.problems).toEqual([
    expect.stringMatching(new RegExp(`task ${bad}: ${last} complete result 1 \\(expected \\d+\\)`)),
  ]);
});

test('an unfinished task, a task that does not exist and a message left behind are named', async () => {
  const finished = await runTask();
  const missing = '0192f1e2-0000-7000-8000-00000000dead';
  // no worker may take the message left behind
  await workers.stop();
  await db.pool.query(`update tasker.tasks set current_state = 'steps_in_process' where task_uuid = $1`, [
    finished,
  ]);
  await sendWithNotify(db.pool, workerQueueName(mathematicalSequence.namespace), {
    task_uuid: finished,
    step_uuid: missing,
    correlation_id: 'left-behind',
  });
  const verified = await verifyTasks(db.pool, mathematicalSequence, [finished, missing]);
  expect(verified).toMatchObject({ tasks: 1, correct: 0 });
  expect(verified.problems).toEqual([
    `task ${finished}: steps_in_process, not complete`,
    `task ${missing}: not found`,
    expect.stringMatching(
      /^\d+ messages left in worker_linear_workflow_queue and orchestration_step_results after/,
    ),
  ]);
}, 30_000);
