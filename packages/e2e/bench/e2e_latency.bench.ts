/**
 * What a user waits for: POST /v1/tasks → the task complete, detected by the completion event (the
 * wait endpoint answers when the orchestrator's LISTEN hears it; no polling quantum), for the four
 * built-in workflows. Each iteration creates a new task (identity always_unique). In-process first
 * (targets), then cluster mode (orchestrator and worker as child processes; a smaller sample in
 * quick). Afterwards TRACED_TASKS more tasks per workflow run with the in-memory span collector on,
 * and the mean phase breakdown (spans grouped by correlation id) is recorded per workflow.
 */
import { activeProfile, type BenchRunSettings, benchSettings, record } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, type WorkflowTemplate } from '@tasker/shared';
import { expect } from 'vitest';
import {
  groupByCorrelation,
  installSpanCollector,
  meanPhases,
  startSystem,
  type TaskerSystem,
  taskPhases,
  systemTest as test,
} from '../src/index.ts';

const CONTEXT = { even_number: 6 };
const WAIT_TIMEOUT_MS = 30_000;
const TRACED_TASKS = activeProfile() === 'full' ? 100 : 20;
const CLUSTER_SETTINGS: BenchRunSettings =
  activeProfile() === 'full'
    ? benchSettings('e2e')
    : { time: 500, iterations: 15, warmupTime: 100, warmupIterations: 2 };
const TIMEOUT_MS = 600_000;

async function runOnce(system: TaskerSystem, template: WorkflowTemplate): Promise<string> {
  const created = await system.client.createTask({
    namespace: template.namespace,
    name: template.name,
    context: CONTEXT,
    identity_strategy: 'always_unique',
  });
  await system.client.waitForCompletion(created.task.task_uuid, { timeoutMs: WAIT_TIMEOUT_MS });
  return created.task.correlation_id;
}

test('in-process: POST → complete', { timeout: TIMEOUT_MS }, async ({ bench, system, task }) => {
  for (const template of BUILTIN_TEMPLATES) {
    const result = await bench(template.name, async () => {
      await runOnce(system, template);
    }).run(benchSettings('e2e'));
    expect(result.latency.samplesCount).toBeGreaterThan(0);
  }

  const collector = installSpanCollector();
  for (const template of BUILTIN_TEMPLATES) {
    collector.reset();
    collector.start();
    const totals: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < TRACED_TASKS; i++) {
      const started = performance.now();
      ids.push(await runOnce(system, template));
      totals.push(performance.now() - started);
    }
    collector.stop();
    const groups = groupByCorrelation(collector.spans());
    const phases = meanPhases(ids.map((id) => taskPhases(groups.get(id) ?? [])));
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
      await bench(`cluster: ${template.name}`, async () => {
        await runOnce(system, template);
      }).run(CLUSTER_SETTINGS);
    }
  } finally {
    await system.stop();
  }
});
