/**
 * What every mode's start ends with: the TaskerSystem made of the parts it started (runningSystem;
 * startedSystem for the two modes this process starts, whose roles, key and clients follow from
 * their options), and the worker groups of those two modes (workerGroups: each group stopped as
 * one, all of them before the orchestrators).
 */
import { type ClientPool, createClientPool } from './clientPool.ts';
import type { SystemOptions, TaskerSystem, WorkerGroup } from './taskerSystem.ts';

/** What each mode's start assembles; runningSystem makes the TaskerSystem of it. */
export type SystemParts = Pick<
  TaskerSystem,
  | 'mode'
  | 'databaseRoles'
  | 'apiToken'
  | 'orchestrationUrls'
  | 'errors'
  | 'startWorkers'
  | 'memory'
  | 'traces'
> & {
  /** the clients of the orchestrators (closed first at stop) */
  clients: ClientPool;
  /** stops what the mode started (nothing, for a remote deployment) */
  stopServices: () => Promise<void>;
};

/** The TaskerSystem of a started mode: clients handed out in turn, and one idempotent stop. */
export function runningSystem({ clients, stopServices, ...parts }: SystemParts): TaskerSystem {
  let stopping: Promise<void> | undefined;
  return {
    ...parts,
    client: clients.clients[0] ?? clients.next(),
    clients: clients.clients,
    nextClient: () => clients.next(),
    stop: () => {
      stopping ??= (async () => {
        await clients.close();
        await stopServices();
      })();
      return stopping;
    },
  };
}

/**
 * A system this process started (in-process or cluster): its services log in as startSystem's
 * least-privilege users when it was given them, and its clients send the system's key.
 */
export function startedSystem(
  options: SystemOptions,
  parts: Omit<SystemParts, 'databaseRoles' | 'apiToken' | 'clients'>,
): TaskerSystem {
  const token = options.credential?.token;
  return runningSystem({
    ...parts,
    databaseRoles: options.services ? 'least-privilege' : 'owner',
    apiToken: token,
    clients: createClientPool(parts.orchestrationUrls, options.clientConnections ?? 64, token),
  });
}

export type WorkerGroups<W> = {
  /**
   * Opens a group of `count` workers that `start` adds one by one; if it fails, the workers it had
   * added are stopped and the error rethrown.
   */
  open(count: number, start: (add: (worker: W) => void) => Promise<void>): Promise<WorkerGroup>;
  /** the workers of every open group */
  workers(): W[];
  /** stops every open group */
  stopAll(): Promise<void>;
};

export function workerGroups<W>(stopWorker: (worker: W) => Promise<void>): WorkerGroups<W> {
  const groups = new Map<WorkerGroup, W[]>();
  return {
    async open(count, start) {
      const workers: W[] = [];
      const group: WorkerGroup = {
        count,
        stop: async () => {
          groups.delete(group);
          await Promise.all(workers.map(stopWorker));
        },
      };
      groups.set(group, workers);
      try {
        await start((worker) => workers.push(worker));
      } catch (error) {
        await group.stop();
        throw error;
      }
      return group;
    },
    workers: () => [...groups.values()].flat(),
    stopAll: async () => {
      await Promise.all([...groups.keys()].map((group) => group.stop()));
    },
  };
}
