/**
 * tasker doing the peers' work, in-process (one orchestrator; one worker per hand-off, concurrency
 * 10): a job is a one-step task; the chain of 4 is mathematical_sequence (each step enqueued when its
 * parent's result has been applied), the diamond is diamond_pattern (start → left, right → end: the
 * two branches enqueued together once start's result is applied, end once both are); both run the
 * built-in arithmetic handlers, so the task's own completion counts them. Two peers share the system, each with namespaces of its own:
 * `tasker` (the default inline hand-off: the worker applies a result and runs the steps it made
 * ready, migration 000019) and `tasker (queue hand-off)` (results through
 * orchestration_step_results and the orchestrator, the seed design). A bulk run ends at the completion
 * notification (task_completed) of its last task.
 */
import { CompletionWaiters, TASK_COMPLETED_CHANNEL, type TaskFinished } from '@tasker/orchestration';
import { diamondPattern, mathematicalSequence, PgEventListener, type WorkflowTemplate } from '@tasker/shared';
import type { ResultHandoff } from '@tasker/worker';
import { createTasks } from '../load/createTasks.ts';
import { startSystem } from '../system/startSystem.ts';
import type { TaskerSystem, WorkerGroup } from '../system/taskerSystem.ts';
import { BulkRun, type JobCounts, noJobs, type Peer, Signals } from './signals.ts';

const CONCURRENCY = 10;
// the default first: its peer is plain `tasker`
const HANDOFFS = ['inline', 'queue'] as const;

const oneStep = (name: string, handler: string): WorkflowTemplate => ({
  namespace: name,
  name,
  version: '1.0.0',
  steps: [{ name: 'job', handler, dependencies: [], retry: { retryable: true, max_attempts: 3 } }],
});

/** The templates of one hand-off's peer, in namespaces of its own. */
function templatesOf(handoff: ResultHandoff) {
  const suffix = handoff === 'inline' ? '' : `_${handoff}`;
  return {
    noop: oneStep(`peer_noop${suffix}`, 'peer_noop'),
    probe: oneStep(`peer_probe${suffix}`, 'peer_probe'),
    chain:
      handoff === 'inline'
        ? mathematicalSequence
        : { ...mathematicalSequence, namespace: `peer_linear${suffix}` },
    diamond:
      handoff === 'inline' ? diamondPattern : { ...diamondPattern, namespace: `peer_diamond${suffix}` },
  };
}

/** Built-in templates the system registers itself. */
const BUILT_IN: readonly WorkflowTemplate[] = [mathematicalSequence, diamondPattern];

/** Both tasker peers, on one system; stopping either stops it. */
export async function startTaskerPeers(connectionString: string): Promise<Peer[]> {
  const signals = new Signals();
  const bulks = new Map<ResultHandoff, { run: BulkRun; tasks: Set<string> }>();
  const counts = new Map<ResultHandoff, JobCounts>(HANDOFFS.map((handoff) => [handoff, noJobs()]));
  const templates = HANDOFFS.map(templatesOf);
  const system = await startSystem({
    connectionString,
    mode: 'in-process',
    workers: 0,
    workerConcurrency: CONCURRENCY,
    templates: templates
      .flatMap((t) => [t.noop, t.probe, t.chain, t.diamond])
      .filter((t) => !BUILT_IN.includes(t)),
    handlers: {
      peer_noop: (context) => {
        const handoff = context.taskContext.handoff as ResultHandoff;
        bulks.get(handoff)?.run.started();
        const done = counts.get(handoff);
        if (done) done.noop++;
        return {};
      },
      peer_probe: (context) => {
        const done = counts.get(context.taskContext.handoff as ResultHandoff);
        if (done) done.probe++;
        signals.signal(String(context.taskContext.key));
        return {};
      },
    },
  });
  const completions = new PgEventListener<TaskFinished | null>({
    connection: connectionString,
    channels: [TASK_COMPLETED_CHANNEL],
    parse: CompletionWaiters.parse,
  });
  completions.subscribe(({ data }) => {
    if (data?.state !== 'complete') return;
    for (const bulk of bulks.values()) if (bulk.tasks.delete(data.task_uuid)) bulk.run.ended();
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await completions.close();
      await system.stop();
    })();
    return stopping;
  };
  try {
    await completions.start();
    const peers: Peer[] = [];
    for (const handoff of HANDOFFS)
      peers.push(await startPeer(system, handoff, signals, bulks, counts.get(handoff) ?? noJobs(), stop));
    return peers;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startPeer(
  system: TaskerSystem,
  handoff: ResultHandoff,
  signals: Signals,
  bulks: Map<ResultHandoff, { run: BulkRun; tasks: Set<string> }>,
  done: JobCounts,
  stop: () => Promise<void>,
): Promise<Peer> {
  const { noop, probe, chain, diamond } = templatesOf(handoff);
  const groupOptions = {
    namespaces: [noop.namespace, probe.namespace, chain.namespace, diamond.namespace],
    resultHandoff: handoff,
  };
  let workers: WorkerGroup = await system.startWorkers(1, groupOptions);
  return {
    name: handoff === 'inline' ? 'tasker' : `tasker (${handoff} hand-off)`,
    done,
    configuration: `tasker in-process (${handoff} result hand-off): 1 orchestrator, 1 worker (concurrency ${CONCURRENCY}), LISTEN/NOTIFY on every queue`,
    async noopThroughput(n) {
      // the standing worker would run tasks while they are still being created one request at a
      // time: stop it, create them all, then start a fresh one (its start-up is excluded, timing
      // starts at the first handler) that stays for the benches after
      await workers.stop();
      bulks.delete(handoff);
      const uuids = await createTasks(system, noop, n, { context: () => ({ handoff }) });
      const run = new BulkRun(n);
      bulks.set(handoff, { run, tasks: new Set(uuids) });
      workers = await system.startWorkers(1, groupOptions);
      return run.durationMs();
    },
    async enqueueToStart(key) {
      const started = signals.expect(key);
      await system.client.createTask({
        namespace: probe.namespace,
        name: probe.name,
        context: { key, handoff },
        identity_strategy: 'always_unique',
      });
      await started;
    },
    async chainOfFour(key) {
      await runToCompletion(system, chain, key);
      done.chains++;
    },
    async diamond(key) {
      await runToCompletion(system, diamond, key);
      done.diamonds++;
    },
    stop,
  };
}

/** Creates one task of a built-in arithmetic workflow; resolves when it completed (the task counts it). */
async function runToCompletion(system: TaskerSystem, template: WorkflowTemplate, key: string): Promise<void> {
  const created = await system.client.createTask({
    namespace: template.namespace,
    name: template.name,
    context: { even_number: 2, key },
    identity_strategy: 'always_unique',
  });
  const finished = await system.client.waitForCompletion(created.task.task_uuid);
  if (finished.state !== 'complete')
    throw new Error(`${template.name} task ${created.task.task_uuid} ended ${finished.state}, not complete`);
}
