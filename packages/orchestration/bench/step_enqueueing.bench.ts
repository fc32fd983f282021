/**
 * The step enqueuer on one task whose root just completed: discovery of the ready steps, the
 * pending → enqueued transitions, publish (pgmq send_batch + pg_notify) and commit, for chains of
 * 3, 10 and 50 steps (one step becomes ready) and a 50-wide fan-out (50 become ready at once).
 * Each iteration gets a fresh task prepared in `beforeEach` (outside the timed window); the timed
 * function is one call of the evaluation cycle (tasker._evaluate_task), as result processing runs it.
 * The breakdown (discovery / mark / publish, measured inside PostgreSQL; commit + round trip; and
 * the time until a LISTENer hears the notification) is recorded per bench.
 */
import { benchSettings, queueLength, record, benchTest as test } from '@tasker/bench-kit';
import {
  chain,
  fanOut,
  PgEventListener,
  registerTemplate,
  type WorkflowTemplate,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';
import { createTask } from '../src/index.ts';

const CASES: Array<[string, WorkflowTemplate, number]> = [
  ['chain of 3', chain(3), 1],
  ['chain of 10', chain(10), 1],
  ['chain of 50', chain(50), 1],
  ['fan-out of 50', fanOut(50), 50],
];

type Timings = { enqueued: number; discovery_ms: number; mark_ms: number; publish_ms: number };

/** Creates a task and completes its root by hand, so its root's children are ready. */
async function prepare(client: pg.ClientBase, template: WorkflowTemplate, n: number): Promise<string> {
  const created = await createTask(client, {
    namespace: template.namespace,
    name: template.name,
    context: { even_number: 1, n },
  });
  await client.query(
    `update tasker.workflow_steps set current_state = 'complete', processed = true, in_process = false
     where task_uuid = $1 and current_state = 'enqueued'`,
    [created.task.task_uuid],
  );
  return created.task.task_uuid;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** set-up creates a task per iteration (50-step ones for the largest cases) */
const BENCH_TIMEOUT_MS = 600_000;

test(
  'step_enqueueing',
  async ({ bench, db, task }) => {
    const client = await db.pool.connect();
    const prepClient = await db.pool.connect();
    const heard: number[] = [];
    const listener = new PgEventListener({
      connection: db.connectionString,
      channels: ['pgmq_message_ready.benchmark'],
    });
    listener.subscribe((event) => heard.push(event.receivedAt));
    try {
      await listener.start();
      let n = 0;
      /** messages the queue must hold: each task's root (sent at creation) and the steps enqueued */
      let queued = 0;
      for (const [name, template, expected] of CASES) {
        await registerTemplate(db.pool, template);
        let next = '';
        const timings: Timings[] = [];
        const totals: number[] = [];
        const sent: number[] = [];
        const evaluated: string[] = [];
        heard.length = 0;
        await bench(
          name,
          {
            beforeEach: async () => {
              next = await prepare(prepClient, template, ++n);
              heard.length = sent.length; // drop the notification of the root's enqueue at creation
            },
          },
          async () => {
            const t0 = performance.now();
            sent.push(t0);
            const { rows } = await client.query<Timings>({
              name: 'bench_evaluate_task',
              text: 'select enqueued, discovery_ms, mark_ms, publish_ms from tasker._evaluate_task($1)',
              values: [next],
            });
            totals.push(performance.now() - t0);
            evaluated.push(next);
            if (rows[0]) timings.push(rows[0]);
          },
        ).run(benchSettings('db'));
        expect(timings).toHaveLength(evaluated.length);
        expect(timings.filter((t) => t.enqueued !== expected)).toEqual([]);
        // the steps the evaluation reported are enqueued in the tables and their messages are queued
        const { rows: enqueuedSteps } = await db.pool.query<{ n: number }>(
          `select count(*)::int as n from tasker.workflow_steps
           where task_uuid = any($1::uuid[]) and current_state = 'enqueued'`,
          [evaluated],
        );
        expect(enqueuedSteps[0]?.n).toBe(evaluated.length * expected);
        queued += evaluated.length * (1 + expected);
        expect(await queueLength(db.pool, workerQueueName(template.namespace))).toBe(queued);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const notifyMs = sent.map((t0, i) => (heard[i] ?? Number.NaN) - t0).filter(Number.isFinite);
        const inside = {
          discovery: mean(timings.map((t) => t.discovery_ms)),
          mark: mean(timings.map((t) => t.mark_ms)),
          publish: mean(timings.map((t) => t.publish_ms)),
        };
        const total = mean(totals);
        await record(task, `${name}: breakdown`, {
          kind: 'breakdown',
          phasesMs: {
            discovery: inside.discovery,
            'mark enqueued': inside.mark,
            'publish (send_batch + notify)': inside.publish,
            'state transitions, commit, round trip': total - inside.discovery - inside.mark - inside.publish,
          },
          totalMs: total,
          note: `means over ${timings.length} iterations; ${expected} step(s) enqueued each`,
        });
        if (notifyMs.length > 0)
          await record(task, `${name}: until a listener hears it`, { kind: 'latency', samplesMs: notifyMs });
      }
    } finally {
      await listener.close();
      client.release();
      prepClient.release();
    }
  },
  BENCH_TIMEOUT_MS,
);
