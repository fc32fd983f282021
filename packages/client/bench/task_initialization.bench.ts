/**
 * POST /v1/tasks over HTTP (undici keep-alive pool → Fastify → one create_task statement), against an
 * in-process orchestrator on the file's database. Latency benches sample one request at a time;
 * the concurrency runs are closed loops of N clients recorded as throughput (tasks/s) and latency.
 * Every request creates a distinct task (a counter in the context keeps the strict identity unique).
 * No worker runs: afterwards every request must have left its task, all of its steps, and one
 * message per root step in the template's worker queue.
 */
import {
  type BenchDatabase,
  benchSettings,
  queueLength,
  record,
  TASK_INITIALIZATION_NAMES,
  benchTest as test,
} from '@tasker/bench-kit';
import { startOrchestration } from '@tasker/orchestration';
import { diamondPattern, mathematicalSequence, type WorkflowTemplate, workerQueueName } from '@tasker/shared';
import { expect } from 'vitest';
import { TaskerClient } from '../src/index.ts';

const PAYLOAD_SIZES_KB = [1, 10, 100] as const;
const CONCURRENCY_LEVELS = [10, 50, 100] as const;
/** how long each closed-loop concurrency run lasts */
const CONCURRENCY_RUN_MS = process.env.TASKER_BENCH_PROFILE === 'full' ? 5_000 : 1_500;
const BODY_LIMIT = 2 * 1024 * 1024;

let counter = 0;
/** requests made per template (warm-up included) */
const requested = new Map<WorkflowTemplate, number>();
const request = (template: WorkflowTemplate, blob?: string) => {
  requested.set(template, (requested.get(template) ?? 0) + 1);
  return {
    namespace: template.namespace,
    name: template.name,
    context: blob === undefined ? { even_number: 6, n: ++counter } : { even_number: 6, n: ++counter, blob },
  };
};

/** Every request's task is there with all its steps, and its root steps' messages are queued. */
async function expectEveryTaskCreated(pool: BenchDatabase['pool']) {
  for (const [template, n] of requested) {
    const { rows } = await pool.query<{ tasks: number; steps: number }>(
      `select count(distinct t.task_uuid)::int as tasks, count(s.workflow_step_uuid)::int as steps
       from tasker.tasks t
       join tasker.named_tasks nt using (named_task_uuid)
       join tasker.task_namespaces ns using (task_namespace_uuid)
       left join tasker.workflow_steps s on s.task_uuid = t.task_uuid
       where ns.name = $1 and nt.name = $2`,
      [template.namespace, template.name],
    );
    const roots = template.steps.filter((step) => step.dependencies.length === 0).length;
    expect(rows[0], template.name).toEqual({ tasks: n, steps: n * template.steps.length });
    expect(await queueLength(pool, workerQueueName(template.namespace)), template.name).toBe(n * roots);
  }
}

test('task_initialization', async ({ bench, db, task }) => {
  const service = await startOrchestration({
    databaseUrl: db.connectionString,
    bodyLimit: BODY_LIMIT,
    poolSize: 30,
    templates: [mathematicalSequence, diamondPattern],
  });
  const client = new TaskerClient(service.url, { connections: 100 });
  try {
    for (const template of [mathematicalSequence, diamondPattern]) {
      const result = await bench(
        TASK_INITIALIZATION_NAMES.createTask({ template: template.name }),
        async () => {
          await client.createTask(request(template));
        },
      ).run(benchSettings('network'));
      expect(result.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('network').iterations);
    }

    for (const kb of PAYLOAD_SIZES_KB) {
      const blob = 'x'.repeat(kb * 1024 - 40);
      await bench(`mathematical_sequence (context ${kb} KB)`, async () => {
        await client.createTask(request(mathematicalSequence, blob));
      }).run(benchSettings('network'));
    }

    for (const clients of CONCURRENCY_LEVELS) {
      const samples: number[] = [];
      const started = performance.now();
      const deadline = started + CONCURRENCY_RUN_MS;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const t0 = performance.now();
            await client.createTask(request(mathematicalSequence));
            samples.push(performance.now() - t0);
          }
        }),
      );
      const durationMs = performance.now() - started;
      expect(samples.length, `${clients} clients made requests`).toBeGreaterThanOrEqual(clients);
      await record(task, `${clients} concurrent clients: throughput`, {
        kind: 'throughput',
        perSecond: (samples.length / durationMs) * 1000,
        unit: 'tasks',
        count: samples.length,
        durationMs,
        note: `closed loop, ${clients} clients on one keep-alive pool, mathematical_sequence`,
      });
      await record(task, `${clients} concurrent clients: latency`, { kind: 'latency', samplesMs: samples });
    }
    await expectEveryTaskCreated(db.pool);
  } finally {
    await client.close();
    await service.close();
  }
});
