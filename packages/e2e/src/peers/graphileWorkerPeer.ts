/**
 * graphile-worker 0.18 as a peer, configured as its docs recommend for latency: the runner LISTENs
 * for new jobs natively (jobs are announced with NOTIFY by add_job), concurrency 10, local queue off
 * (its batching trades latency for throughput), pollInterval left at its default (only for
 * retries and future jobs). Installs its schema `graphile_worker` in the given database.
 *
 * Jobs have no dependencies here, so (d) the diamond is built from jobs that add jobs: A opens the
 * diamond's row in the bench's own table `peer_diamond_branches` and adds B and C in one call; B and
 * C each decrement that row atomically (`update … set branches_left = branches_left - 1 …
 * returning`), and the one that reads 0 adds D (diamondBranches.ts). Its SQL runs on
 * graphile-worker's own pool (`helpers.query`).
 */
import { Logger, makeWorkerUtils, type Runner, run, type WorkerUtils } from 'graphile-worker';
import { closeBranch, createDiamondBranches, openDiamond, type RunSql } from './diamondBranches.ts';
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
      peer_diamond_a: async (payload, helpers) => {
        const { key } = payload as { key: string };
        await openDiamond(helpers.query, key);
        await helpers.addJobs([
          { identifier: 'peer_diamond_branch', payload: { key } },
          { identifier: 'peer_diamond_branch', payload: { key } },
        ]);
      },
      peer_diamond_branch: async (payload, helpers) => {
        const { key } = payload as { key: string };
        if (await closeBranch(helpers.query, key)) await helpers.addJob('peer_diamond_d', { key });
      },
      peer_diamond_d: async (payload) => {
        done.diamonds++;
        signals.signal((payload as { key: string }).key);
      },
    },
  });
  const utils: WorkerUtils = await makeWorkerUtils({ connectionString, logger: silent });
  const query: RunSql = (text, values) => utils.withPgClient((client) => client.query(text, values));
  await createDiamondBranches(query);
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
    async diamond(key) {
      const done = signals.expect(key);
      await runner.addJob('peer_diamond_a', { key });
      await done;
    },
    async stop() {
      await runner.stop();
      await utils.release();
    },
  };
}
