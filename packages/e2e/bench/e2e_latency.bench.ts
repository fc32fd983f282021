/**
 * What a user waits for: POST /v1/tasks → the task complete, detected by the completion event (the
 * wait endpoint answers when the orchestrator's LISTEN hears it; no polling quantum), for the four
 * built-in workflows. Each iteration creates a new task (identity always_unique). In-process first
 * (targets), then cluster mode (orchestrator and worker as child processes; a smaller sample in
 * quick). Afterwards TRACED_TASKS more tasks per workflow run with the in-memory span collector on,
 * and the mean phase breakdown (spans grouped by correlation id) is recorded per workflow.
 */
import {
  activeProfile,
  type BenchRunSettings,
  benchSettings,
  E2E_LATENCY_NAMES,
  record,
} from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, type WorkflowTemplate } from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';
import {
  groupByCorrelation,
  installSpanCollector,
  meanPhases,
  startSystem,
  type TaskerSystem,
  taskPhases,
  systemTest as test,
  verifyTasks,
} from '../src/index.ts';

const CONTEXT = { even_number: 6 };
const WAIT_TIMEOUT_MS = 30_000;
const TRACED_TASKS = activeProfile() === 'full' ? 100 : 20;
const CLUSTER_SETTINGS: BenchRunSettings =
  activeProfile() === 'full'
    ? benchSettings('e2e')
    : { time: 500, iterations: 15, warmupTime: 100, warmupIterations: 2 };
const TIMEOUT_MS = 600_000;

/** Runs one task to its completion event; notes its uuid in `created` for the check afterwards. */
async function runOnce(system: TaskerSystem, template: WorkflowTemplate, created: string[]): Promise<string> {
  const { task } = await system.client.createTask({
    namespace: template.namespace,
    name: template.name,
    context: CONTEXT,
    identity_strategy: 'always_unique',
  });
  created.push(task.task_uuid);
  await system.client.waitForCompletion(task.task_uuid, { timeoutMs: WAIT_TIMEOUT_MS });
  return task.correlation_id;
}

/** Every task a bench created (warm-up included) finished with the predicted results; queues empty. */
async function expectAllCorrect(pool: pg.Pool, template: WorkflowTemplate, created: string[]) {
  const verified = await verifyTasks(pool, template, created);
  expect(verified.problems, template.name).toEqual([]);
  expect(verified.correct).toBe(created.length);
}

test('in-process: POST → complete', { timeout: TIMEOUT_MS }, async ({ bench, db, system, task }) => {
  for (const template of BUILTIN_TEMPLATES) {
    const created: string[] = [];
    const result = await bench(E2E_LATENCY_NAMES.inProcess({ template: template.name }), async () => {
      await runOnce(system, template, created);
    }).run(benchSettings('e2e'));
    expect(result.latency.samplesCount).toBeGreaterThanOrEqual(benchSettings('e2e').iterations);
    await expectAllCorrect(db.pool, template, created);
  }

  const collector = installSpanCollector();
  for (const template of BUILTIN_TEMPLATES) {
    collector.reset();
    collector.start();
    const totals: number[] = [];
    const ids: string[] = [];
    const created: string[] = [];
    for (let i = 0; i < TRACED_TASKS; i++) {
      const started = performance.now();
      ids.push(await runOnce(system, template, created));
      totals.push(performance.now() - started);
    }
    collector.stop();
    await expectAllCorrect(db.pool, template, created);
    const groups = groupByCorrelation(collector.spans());
    // every traced task left its spans, and each phase's mean is a duration
    expect(ids.filter((id) => (groups.get(id)?.length ?? 0) === 0)).toEqual([]);
    const phases = meanPhases(ids.map((id) => taskPhases(groups.get(id) ?? [])));
    for (const [phase, ms] of Object.entries(phases)) expect(ms, phase).toBeGreaterThanOrEqual(0);
    const totalMs = totals.reduce((a, b) => a + b, 0) / totals.length;
    await record(task, `${template.name}: phase breakdown`, {
      kind: 'breakdown',
      phasesMs: phases,
      totalMs,
      note:
        `mean over ${TRACED_TASKS} traced tasks (${template.steps.length} steps): each phase summed over the task's steps; ` +
        'parallel branches overlap, so for DAGs the sum exceeds the total; total = client-side POST → completion event',
    });
  }
  collector.reset();
  expect(system.errors).toEqual([]);
});

test('cluster: POST → complete', { timeout: TIMEOUT_MS }, async ({ bench, db }) => {
  const system = await startSystem({ connectionString: db.connectionString, mode: 'cluster', workers: 1 });
  try {
    for (const template of BUILTIN_TEMPLATES) {
      const created: string[] = [];
      const result = await bench(`cluster: ${template.name}`, async () => {
        await runOnce(system, template, created);
      }).run(CLUSTER_SETTINGS);
      expect(result.latency.samplesCount).toBeGreaterThanOrEqual(CLUSTER_SETTINGS.iterations);
      await expectAllCorrect(db.pool, template, created);
    }
  } finally {
    await system.stop();
  }
});
