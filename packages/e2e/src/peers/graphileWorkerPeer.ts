/**
 * graphile-worker 0.18 as a peer, configured as its docs recommend for latency: the runner LISTENs
 * for new jobs natively (jobs are announced with NOTIFY by add_job), concurrency 10, local queue off
 * (its batching trades latency for throughput), pollInterval left at its default (only for
 * retries and future jobs). Installs its schema `graphile_worker` in the given database.
 */
import { Logger, makeWorkerUtils, type Runner, run, type WorkerUtils } from 'graphile-worker';
import { BulkRun, noJobs, type Peer, Signals } from './signals.ts';

const CONCURRENCY = 10;
const silent = new Logger(() => () => undefined);

export async function startGraphileWorkerPeer(connectionString: string): Promise<Peer> {
  const signals = new Signals();
  const done = noJobs();
  let bulk: BulkRun | undefined;
  const runner: Runner = await run({
    connectionString,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    logger: silent,
    taskList: {
      peer_noop: async () => {
        bulk?.started();
        done.noop++;
        bulk?.ended();
      },
      peer_probe: async (payload) => {
        done.probe++;
        signals.signal((payload as { key: string }).key);
      },
      peer_chain: async (payload, helpers) => {
        const { key, n } = payload as { key: string; n: number };
        if (n < 4) await helpers.addJob('peer_chain', { key, n: n + 1 });
        else {
          done.chains++;
          signals.signal(key);
        }
      },
    },
  });
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString, logger: silent });
  return {
    name: 'graphile-worker',
    done,
    configuration: `graphile-worker 0.18: LISTEN/NOTIFY (built in), concurrency ${CONCURRENCY}, no local queue, default pollInterval`,
    async noopThroughput(n) {
      bulk = new BulkRun(n);
      await utils.addJobs(Array.from({ length: n }, () => ({ identifier: 'peer_noop', payload: {} })));
      return bulk.durationMs();
    },
    async enqueueToStart(key) {
      const started = signals.expect(key);
      await runner.addJob('peer_probe', { key });
      await started;
    },
    async chainOfFour(key) {
      const done = signals.expect(key);
      await runner.addJob('peer_chain', { key, n: 1 });
      await done;
    },
    async stop() {
      await runner.stop();
      await utils.release();
    },
  };
}
