/**
 * One step result through tasker.process_step_result (what the result processor runs per message):
 * the step → complete, discovery and enqueue of the next step(s), and for the last step the task →
 * complete with its completion notification. Each iteration gets a fresh task prepared in
 * `beforeEach` (outside the timed window) whose step has been handed back by a (simulated) worker.
 */
import { benchSettings, queueLength, benchTest as test } from '@tasker/bench-kit';
import {
  diamondPattern,
  mathematicalSequence,
  registerTemplate,
  type WorkflowTemplate,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';
import { createTask, processStepResult } from '../src/index.ts';

/** Creates a task, completes the steps before `stepIndex` by hand, hands `stepIndex` back as a worker would. */
async function prepare(
  client: pg.ClientBase,
  template: WorkflowTemplate,
  stepIndex: number,
  n: number,
): Promise<string> {
  const created = await createTask(client, {
    namespace: template.namespace,
    name: template.name,
    context: { even_number: 2, n },
  });
  const steps = created.steps.map((s) => s.step_uuid);
  const target = steps[stepIndex];
  if (!target) throw new Error(`no step ${stepIndex}`);
  await client.query(
    `update tasker.workflow_steps set current_state = 'complete', processed = true, in_process = false
     where workflow_step_uuid = any($1::uuid[])`,
    [steps.filter((_, i) => i < stepIndex && (template !== diamondPattern || i !== 2))],
  );
  await client.query(
    `update tasker.workflow_steps set current_state = 'enqueued_for_orchestration', in_process = true,
       attempts = 1, results = '{"result": 4}' where workflow_step_uuid = $1`,
    [target],
  );
  return target;
}

const CASES: Array<[string, WorkflowTemplate, number, { enqueued: number; state: string }]> = [
  [
    'mathematical_sequence: step 1 → step 2 enqueued',
    mathematicalSequence,
    0,
    { enqueued: 1, state: 'steps_in_process' },
  ],
  [
    'diamond_pattern: start → both branches enqueued',
    diamondPattern,
    0,
    { enqueued: 2, state: 'steps_in_process' },
  ],
  [
    'mathematical_sequence: last step → task complete',
    mathematicalSequence,
    3,
    { enqueued: 0, state: 'complete' },
  ],
];

/** set-up creates a task per iteration (50-step ones for the largest cases) */
const BENCH_TIMEOUT_MS = 600_000;

test(
  'result_processing',
  async ({ bench, db }) => {
    const client = await db.pool.connect();
    const prepClient = await db.pool.connect();
    try {
      await registerTemplate(db.pool, mathematicalSequence);
      await registerTemplate(db.pool, diamondPattern);
      let n = 0;
      /** messages each worker queue must hold: the roots sent at creation and every step enqueued */
      const queued = new Map<string, number>();
      for (const [name, template, stepIndex, expected] of CASES) {
        let step = '';
        const processed: string[] = [];
        const outcomes: Array<{ enqueued: number; state: string | null }> = [];
        await bench(
          name,
          {
            beforeEach: async () => {
              step = await prepare(prepClient, template, stepIndex, ++n);
            },
          },
          async () => {
            const result = await processStepResult(client, step);
            processed.push(step);
            outcomes.push({ enqueued: result.enqueued, state: result.task_state });
          },
        ).run(benchSettings('db'));
        expect(
          outcomes.filter((o) => o.enqueued !== expected.enqueued || o.state !== expected.state),
        ).toEqual([]);
        // every processed step is complete, and its task is in the state the processor answered
        const { rows } = await db.pool.query<{ step_state: string; task_state: string; n: number }>(
          `select s.current_state as step_state, t.current_state as task_state, count(*)::int as n
           from tasker.workflow_steps s join tasker.tasks t using (task_uuid)
           where s.workflow_step_uuid = any($1::uuid[]) group by 1, 2`,
          [processed],
        );
        expect(rows).toEqual([{ step_state: 'complete', task_state: expected.state, n: processed.length }]);
        const queue = workerQueueName(template.namespace);
        const roots = template.steps.filter((s) => s.dependencies.length === 0).length;
        queued.set(queue, (queued.get(queue) ?? 0) + processed.length * (roots + expected.enqueued));
        expect(await queueLength(db.pool, queue), queue).toBe(queued.get(queue));
      }
    } finally {
      client.release();
      prepClient.release();
    }
  },
  BENCH_TIMEOUT_MS,
);
