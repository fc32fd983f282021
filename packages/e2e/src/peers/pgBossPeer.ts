/**
 * pg-boss 12 as a peer, configured per its docs (JobPollingOptions in its type definitions) for low
 * latency: `useListenNotify: true` on the instance and `notify: true` on each queue (a created job
 * NOTIFYs and wakes a worker at once), both polling intervals at the documented minimum of 0.5 s
 * (`notifyPollingIntervalSeconds` defaults to 30 s: with notify on, a worker that has taken its job
 * otherwise waits 30 s before fetching again), `localConcurrency: 10`, no cron scheduling. The bulk
 * no-op run fetches batches of 10 with `burstWhenBatchFull` (fetch again at once while batches come
 * back full), the documented way to drain a backlog; the latency probes fetch one job at a time.
 * Installs schema `pgboss`.
 *
 * Jobs have no dependencies here, so (d) the diamond is built from jobs that send jobs: A opens the
 * diamond's row in the bench's own table `peer_diamond_branches` and sends B and C in one insert;
 * B and C each decrement that row atomically (`update … set branches_left = branches_left - 1 …
 * returning`), and the one that reads 0 sends D (diamondBranches.ts). Its SQL runs on pg-boss's own
 * pool (`boss.getDb().executeSql`).
 */
import { PgBoss } from 'pg-boss';
import { closeBranch, createDiamondBranches, openDiamond, type RunSql } from './diamondBranches.ts';
import { BulkRun, noJobs, type Peer, Signals } from './signals.ts';

const CONCURRENCY = 10;
const QUEUES = [
  'peer_noop',
  'peer_probe',
  'peer_chain',
  'peer_diamond_a',
  'peer_diamond_branch',
  'peer_diamond_d',
] as const;

export async function startPgBossPeer(connectionString: string): Promise<Peer> {
  const boss = new PgBoss({ connectionString, useListenNotify: true, schedule: false, max: 20 });
  boss.on('error', () => undefined);
  await boss.start();
  for (const queue of QUEUES) await boss.createQueue(queue, { notify: true });
  const db = boss.getDb();
  const query: RunSql = (text, values) => db.executeSql(text, values);
  await createDiamondBranches(query);
  const signals = new Signals();
  const done = noJobs();
  let bulk: BulkRun | undefined;
  const options = {
    localConcurrency: CONCURRENCY,
    batchSize: 1,
    pollingIntervalSeconds: 0.5,
    notifyPollingIntervalSeconds: 0.5,
  };
  await boss.work('peer_noop', { ...options, batchSize: 10, burstWhenBatchFull: true }, async (jobs) => {
    for (const _job of jobs) {
      bulk?.started();
      done.noop++;
      bulk?.ended();
    }
  });
  await boss.work<{ key: string }>('peer_probe', options, async ([job]) => {
    if (!job) return;
    done.probe++;
    signals.signal(job.data.key);
  });
  await boss.work<{ key: string; n: number }>('peer_chain', options, async ([job]) => {
    if (!job) return;
    const { key, n } = job.data;
    if (n < 4) await boss.send('peer_chain', { key, n: n + 1 });
    else {
      done.chains++;
      signals.signal(key);
    }
  });
  await boss.work<{ key: string }>('peer_diamond_a', options, async ([job]) => {
    if (!job) return;
    await openDiamond(query, job.data.key);
    await boss.insert('peer_diamond_branch', [{ data: job.data }, { data: job.data }]);
  });
  await boss.work<{ key: string }>('peer_diamond_branch', options, async ([job]) => {
    if (!job) return;
    if (await closeBranch(query, job.data.key)) await boss.send('peer_diamond_d', job.data);
  });
  await boss.work<{ key: string }>('peer_diamond_d', options, async ([job]) => {
    if (!job) return;
    done.diamonds++;
    signals.signal(job.data.key);
  });
  return {
    name: 'pg-boss',
    done,
    configuration: `pg-boss 12: useListenNotify + queue notify, polling fallbacks 0.5 s, localConcurrency ${CONCURRENCY}, batchSize 1 (bulk: 10 with burstWhenBatchFull)`,
    async noopThroughput(n) {
      bulk = new BulkRun(n);
      await boss.insert(
        'peer_noop',
        Array.from({ length: n }, () => ({ data: {} })),
      );
      return bulk.durationMs();
    },
    async enqueueToStart(key) {
      const started = signals.expect(key);
      await boss.send('peer_probe', { key });
      await started;
    },
    async chainOfFour(key) {
      const done = signals.expect(key);
      await boss.send('peer_chain', { key, n: 1 });
      await done;
    },
    async diamond(key) {
      const done = signals.expect(key);
      await boss.send('peer_diamond_a', { key });
      await done;
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 5_000 });
    },
  };
}
