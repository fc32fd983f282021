/**
 * tasker doing the peers' work, in-process (one orchestrator, one worker, concurrency 10): a job is
 * a one-step task; the chain of 4 is mathematical_sequence (each step enqueued when its parent's
 * result has been processed). Completion of a bulk run counts tasks finalized by the orchestrator.
 */
import type { WorkflowTemplate } from '@tasker/shared';
import { createTasks } from '../load/createTasks.ts';
import { startSystem } from '../system/startSystem.ts';
import type { WorkerGroup } from '../system/taskerSystem.ts';
import { BulkRun, type Peer, Signals } from './signals.ts';

const CONCURRENCY = 10;
const oneStep = (name: string, handler: string): WorkflowTemplate => ({
  namespace: name,
  name,
  version: '1.0.0',
  steps: [{ name: 'job', handler, dependencies: [], retry: { retryable: true, max_attempts: 3 } }],
});
const NOOP = oneStep('peer_noop', 'peer_noop');
const PROBE = oneStep('peer_probe', 'peer_probe');

export async function startTaskerPeer(connectionString: string): Promise<Peer> {
  const signals = new Signals();
  let bulk: BulkRun | undefined;
  const system = await startSystem({
    connectionString,
    mode: 'in-process',
    workers: 0,
    workerConcurrency: CONCURRENCY,
    templates: [NOOP, PROBE],
    handlers: {
      peer_noop: () => {
        bulk?.started();
        return {};
      },
      peer_probe: (context) => {
        signals.signal(String(context.taskContext.key));
        return {};
      },
    },
    onResultProcessed: (result) => {
      if (result.task_state === 'complete') bulk?.ended();
    },
  });
  let workers: WorkerGroup = await system.startWorkers(1);
  return {
    name: 'tasker',
    configuration: `tasker in-process: 1 orchestrator, 1 worker (concurrency ${CONCURRENCY}), LISTEN/NOTIFY on both queues`,
    async noopThroughput(n) {
      // the standing worker would run tasks while they are still being created one request at a
      // time: stop it, create them all, then start a fresh one (its start-up is excluded, timing
      // starts at the first handler) that stays for the benches after
      await workers.stop();
      bulk = undefined;
      await createTasks(system, NOOP, n);
      bulk = new BulkRun(n);
      workers = await system.startWorkers(1);
      return bulk.durationMs();
    },
    async enqueueToStart(key) {
      const started = signals.expect(key);
      await system.client.createTask({
        namespace: PROBE.namespace,
        name: PROBE.name,
        context: { key },
        identity_strategy: 'always_unique',
      });
      await started;
    },
    async chainOfFour(key) {
      const created = await system.client.createTask({
        namespace: 'linear_workflow',
        name: 'mathematical_sequence',
        context: { even_number: 2, key },
        identity_strategy: 'always_unique',
      });
      await system.client.waitForCompletion(created.task.task_uuid);
    },
    stop: () => system.stop(),
  };
}
