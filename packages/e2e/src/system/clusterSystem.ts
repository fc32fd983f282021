/**
 * tasker as child processes: each orchestrator runs packages/orchestration/src/cli.ts and each
 * worker packages/worker/src/cli.ts (see childProcesses.ts for their lifecycle). Templates other
 * than the built-ins are registered from here, through the database, before anything starts.
 */
import { fileURLToPath } from 'node:url';
import { BUILTIN_TEMPLATES, registerTemplates } from '@tasker/shared';
import pg from 'pg';
import { UnsupportedInModeError } from '../errors.ts';
import { type ChildService, spawnService } from './childProcesses.ts';
import { createClientPool } from './clientPool.ts';
import {
  namespacesOf,
  type SystemOptions,
  type TaskerSystem,
  type WorkerGroup,
  type WorkerGroupOptions,
  workerGroupSettings,
} from './taskerSystem.ts';

const ORCHESTRATION_CLI = fileURLToPath(new URL('../../../orchestration/src/cli.ts', import.meta.url));
const WORKER_CLI = fileURLToPath(new URL('../../../worker/src/cli.ts', import.meta.url));

export async function startClusterSystem(options: SystemOptions): Promise<TaskerSystem> {
  if (options.handlers) throw new UnsupportedInModeError('custom handlers', 'cluster');
  if (options.onResultProcessed) throw new UnsupportedInModeError('onResultProcessed', 'cluster');
  const templates = [...BUILTIN_TEMPLATES, ...(options.templates ?? [])];
  const namespaces = namespacesOf(templates);
  const orchestrators: ChildService[] = [];
  const groups = new Map<WorkerGroup, ChildService[]>();

  if (options.templates?.length) {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
    try {
      await registerTemplates(pool, options.templates);
    } finally {
      await pool.end();
    }
  }

  let workerSeq = 0;
  const startWorkers = async (count: number, groupOptions: WorkerGroupOptions = {}): Promise<WorkerGroup> => {
    const settings = workerGroupSettings(options, groupOptions, namespaces);
    const children: ChildService[] = [];
    const group: WorkerGroup = {
      count,
      stop: async () => {
        groups.delete(group);
        await Promise.all(children.map((child) => child.stop()));
      },
    };
    groups.set(group, children);
    try {
      const started = await Promise.allSettled(
        Array.from({ length: count }, () =>
          spawnService({
            role: `worker ${++workerSeq}`,
            script: WORKER_CLI,
            args: [
              '--database-url',
              options.services?.worker ?? options.connectionString,
              '--namespaces',
              settings.namespaces.join(','),
              '--result-handoff',
              settings.resultHandoff,
              '--notify',
              settings.notify,
              '--concurrency',
              String(options.workerConcurrency ?? 10),
              '--port',
              '0',
            ],
            ready: /"event":"started".*"port":(\d+)/,
          }),
        ),
      );
      for (const result of started) if (result.status === 'fulfilled') children.push(result.value);
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  };

  const stopAll = async () => {
    // workers first, so no step is left claimed by a worker whose orchestrator has gone
    await Promise.all([...groups.keys()].map((group) => group.stop()));
    await Promise.all(orchestrators.map((child) => child.stop()));
  };

  let clients: ReturnType<typeof createClientPool>;
  try {
    const started = await Promise.allSettled(
      Array.from({ length: options.orchestrators ?? 1 }, (_, i) =>
        spawnService({
          role: `orchestration ${i + 1}`,
          script: ORCHESTRATION_CLI,
          args: [
            '--database-url',
            options.services?.orchestration ?? options.connectionString,
            '--port',
            '0',
            '--host',
            '127.0.0.1',
            '--notify',
            options.notify ?? 'in_transaction',
            // the key's hash, never the key: a process listing shows nothing to reuse
            ...(options.credential ? ['--api-keys', options.credential.keyLine] : []),
            '--demo-templates',
          ],
          ready: /listening on (http:\/\/\S+)/,
        }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') orchestrators.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if ((options.workers ?? 1) > 0) await startWorkers(options.workers ?? 1);
    clients = createClientPool(
      orchestrators.map((child) => child.readyValue),
      options.clientConnections ?? 64,
      options.credential?.token,
    );
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const pool = clients;
  return {
    mode: 'cluster',
    databaseRoles: options.services ? 'least-privilege' : 'owner',
    apiToken: options.credential?.token,
    orchestrationUrls: orchestrators.map((child) => child.readyValue),
    client: pool.clients[0] ?? pool.next(),
    clients: pool.clients,
    nextClient: () => pool.next(),
    errors: [],
    startWorkers,
    memory: async ({ gc = false } = {}) => {
      const all = [...orchestrators, ...[...groups.values()].flat()];
      return Promise.all(all.filter((child) => !child.exited).map((child) => child.memory({ gc })));
    },
    stop: () => {
      stopping ??= (async () => {
        await pool.close();
        await stopAll();
      })();
      return stopping;
    },
  };
}
