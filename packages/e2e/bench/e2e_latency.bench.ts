/**
 * What a user waits for: POST /v1/tasks → the task complete, detected by the completion event (the
 * wait endpoint answers when the orchestrator's LISTEN hears it; no polling quantum), for the four
 * built-in workflows. Each iteration creates a new task (identity always_unique). In-process first
 * (targets), then cluster mode (orchestrator and worker as child processes; a smaller sample in
 * quick). Afterwards TRACED_TASKS more tasks per workflow run with the in-memory span collector on,
 * and the mean phase breakdown (spans grouped by correlation id) is recorded per workflow
 * (`<workflow>: phase breakdown`).
 *
 * Cluster mode has its breakdown too (`<workflow>: phase breakdown (cluster)`), from a second,
 * traced cluster system started after the timed one (so export costs nothing in its figures): its
 * services export their spans over OTLP to a receiver in this process, and the same computation runs
 * on what arrives. The two breakdowns of a workflow must agree (comparePhases): the same phases,
 * each phase's share of the time within SHARE_AGREEMENT of the other's — wider for the phases where
 * cluster mode adds a process hop. Against a remote deployment the runner reads the spans only if
 * the deployment exports them to it (TASKER_TEST_OTLP_RECEIVER); else the report says so.
 */
import {
  activeProfile,
  type BenchRunSettings,
  benchSettings,
  E2E_LATENCY_NAMES,
  record,
  recordContext,
} from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, type WorkflowTemplate } from '@tasker/shared';
import type pg from 'pg';
import { expect, type RunnerTestCase } from 'vitest';
import {
  comparePhases,
  groupByCorrelation,
  installSpanCollector,
  largestShareDifference,
  meanPhases,
  type PhaseAgreement,
  type PhaseTimes,
  startSystem,
  type TaskerSystem,
  taskPhases,
  systemTest as test,
  verifyTasks,
} from '../src/index.ts';

const CONTEXT = { even_number: 6 };
const WAIT_TIMEOUT_MS = 30_000;
const TRACED_TASKS = activeProfile() === 'full' ? 100 : 20;
/** tasks per workflow a new traced cluster runs first, left out of its breakdown (cold pools, JIT) */
const TRACED_WARMUP_TASKS = 5;
const CLUSTER_SETTINGS: BenchRunSettings =
  activeProfile() === 'full'
    ? benchSettings('e2e')
    : { time: 500, iterations: 15, warmupTime: 100, warmupIterations: 2 };
const TIMEOUT_MS = 600_000;
/** how far apart a phase's share of the time may be in cluster mode and in-process (absolute) */
// (on a shared 2-core machine a within-service phase moved by up to 16 points between two runs)
const SHARE_AGREEMENT: PhaseAgreement = { maxShareDifference: 0.25, maxHopShareDifference: 0.35 };
/** a remote deployment exports on its own schedule (the SDK's default: every 5 s) */
const REMOTE_QUIET_MS = 6_000;
const BREAKDOWN_NOTE =
  "each phase summed over the task's steps; parallel branches overlap, so for DAGs the sum exceeds the total; total = client-side POST → completion event";

/** each workflow's in-process breakdown, for the cluster one to be checked against */
const inProcessPhases = new Map<string, PhaseTimes>();

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
    inProcessPhases.set(template.name, phases);
    await record(task, `${template.name}: phase breakdown`, {
      kind: 'breakdown',
      phasesMs: phases,
      totalMs: mean(totals),
      note: `mean over ${TRACED_TASKS} traced tasks (${template.steps.length} steps): ${BREAKDOWN_NOTE}`,
    });
  }
  collector.reset();
  expect(system.errors).toEqual([]);
});

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The phase breakdown of each workflow from the spans of a traced cluster system's processes,
 * received over OTLP; checked against the in-process one when that test ran.
 */
async function clusterBreakdown(task: RunnerTestCase, pool: pg.Pool, connectionString: string) {
  const system = await startSystem({ connectionString, mode: 'cluster', workers: 1, traces: true });
  const runs: Array<{ template: WorkflowTemplate; ids: string[]; totals: number[]; created: string[] }> = [];
  try {
    if (system.traces)
      for (const template of BUILTIN_TEMPLATES) {
        const run = { template, ids: [] as string[], totals: [] as number[], created: [] as string[] };
        for (let i = 0; i < TRACED_WARMUP_TASKS; i++) await runOnce(system, template, run.created);
        for (let i = 0; i < TRACED_TASKS; i++) {
          const started = performance.now();
          run.ids.push(await runOnce(system, template, run.created));
          run.totals.push(performance.now() - started);
        }
        runs.push(run);
      }
    // remote services flush on their own schedule; cluster children flush at the stop's SIGTERM
    if (system.mode === 'remote') await system.traces?.quiet(REMOTE_QUIET_MS, 60_000);
  } finally {
    await system.stop();
  }
  const traces = system.traces;
  if (!traces) {
    await recordContext(
      task,
      'phase breakdown (cluster)',
      'unavailable',
      'the remote services export their spans to their own backend: set TASKER_TEST_OTLP_RECEIVER=<host>:<port> ' +
        'for the runner to listen there, and point their OTEL_EXPORTER_OTLP_ENDPOINT at it with OTEL_EXPORTER_OTLP_PROTOCOL=http/json',
    );
    return;
  }
  expect(traces.rejected).toEqual([]);
  const groups = groupByCorrelation(traces.spans());
  const disagreements: Record<string, string[]> = {};
  for (const { template, ids, totals, created } of runs) {
    await expectAllCorrect(pool, template, created);
    expect(ids.filter((id) => (groups.get(id)?.length ?? 0) === 0)).toEqual([]);
    const phases = meanPhases(ids.map((id) => taskPhases(groups.get(id) ?? [])));
    await record(task, `${template.name}: phase breakdown (cluster)`, {
      kind: 'breakdown',
      phasesMs: phases,
      totalMs: mean(totals),
      note:
        `mean over ${TRACED_TASKS} traced tasks (${template.steps.length} steps), spans received over OTLP from the ` +
        `${system.mode === 'remote' ? 'remote' : 'child'} processes: ${BREAKDOWN_NOTE}`,
    });
    const reference = inProcessPhases.get(template.name);
    if (!reference) continue;
    const problems = comparePhases(reference, phases, SHARE_AGREEMENT);
    const [phase, points] = largestShareDifference(reference, phases);
    await recordContext(
      task,
      `${template.name}: phase breakdown, cluster vs in-process`,
      problems.length === 0 ? 'agree' : 'disagree',
      `largest difference in a phase's share of the time: ${phase}, ${(points * 100).toFixed(1)} points; ${problems.join('; ') || 'same phases, every share within the limits'}`,
    );
    if (problems.length > 0) disagreements[template.name] = problems;
  }
  expect(disagreements).toEqual({});
  if (inProcessPhases.size === 0)
    await recordContext(
      task,
      'phase breakdown (cluster) vs in-process',
      'not compared',
      'the in-process test did not run in this process (filtered out)',
    );
}

test('cluster: POST → complete', { timeout: TIMEOUT_MS }, async ({ bench, db, task }) => {
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
  await clusterBreakdown(task, db.pool, db.connectionString);
});
