/**
 * The systems the peers and step_cost benches run, in report order (tasker first: every ratio is to
 * it). A system may run more than one peer (tasker: one per result hand-off, on one system); the
 * benches start each with the file's database and stop its peers afterwards.
 */
import { startDbosPeers } from './dbosPeer.ts';
import { startGraphileWorkerPeer } from './graphileWorkerPeer.ts';
import { startPgBossPeer } from './pgBossPeer.ts';
import { startPgflowPeer } from './pgflowPeer.ts';
import type { Peer } from './signals.ts';
import { startTaskerPeers } from './taskerPeer.ts';

export interface PeerSystem {
  readonly name: string;
  start(connectionString: string): Promise<Peer[]>;
}

export const PEER_SYSTEMS: readonly PeerSystem[] = [
  { name: 'tasker', start: startTaskerPeers },
  { name: 'graphile-worker', start: async (url) => [await startGraphileWorkerPeer(url)] },
  { name: 'pg-boss', start: async (url) => [await startPgBossPeer(url)] },
  // DBOS (direct) and DBOS (queue), one process-wide launch
  { name: 'DBOS', start: startDbosPeers },
  // pgflow's SQL (on tasker's PGMQ-compatible layer where the server has no pgmq) driven by a Node loop
  { name: 'pgflow', start: async (url) => [await startPgflowPeer(url)] },
];

export type { JobCounts, Peer } from './signals.ts';
