/**
 * tasker as child processes: each orchestrator runs packages/orchestration/src/cli.ts and each
 * worker packages/worker/src/cli.ts (serviceClis.ts; childProcesses.ts for their lifecycle).
 * Templates other than the built-ins are registered from here, through the database, before
 * anything starts.
 */
import { BUILTIN_TEMPLATES, type NotifyMode, registerTemplates } from '@tasker/shared';
import type { ResultHandoff } from '@tasker/worker';
import pg from 'pg';
import { UnsupportedInModeError } from '../errors.ts';
import { otlpExportEnv, startOtlpReceiver } from '../tracing/otlpReceiver.ts';
import { type ChildService, type ChildSpec, spawnChildService } from './childProcesses.ts';
import { startedSystem, workerGroups } from './runningSystem.ts';
import { ORCHESTRATION_CLI, WORKER_CLI } from './serviceClis.ts';
import {
  namespacesOf,
  type SystemOptions,
  type TaskerSystem,
  type WorkerGroup,
  type WorkerGroupOptions,
  workerGroupSettings,
} from './taskerSystem.ts';

/** what an in-process system can be given and a child process cannot */
function assertClusterOptions(options: SystemOptions): void {
  if (options.handlers) throw new UnsupportedInModeError('custom handlers', 'cluster');
  if (options.onResultProcessed) throw new UnsupportedInModeError('onResultProcessed', 'cluster');
}

/** The orchestrators register the built-ins themselves (--demo-templates); the others go in first. */
async function registerExtraTemplates(options: SystemOptions): Promise<void> {
  if (!options.templates?.length) return;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 1 });
  try {
    await registerTemplates(pool, options.templates);
  } finally {
    await pool.end();
  }
}

function orchestratorSpec(options: SystemOptions, n: number): ChildSpec {
  return {
    role: `orchestration ${n}`,
    ...ORCHESTRATION_CLI,
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
    // a long bench's output is not kept; an error quotes the latest lines
    keepLines: 40,
  };
}

function workerSpec(
  options: SystemOptions,
  settings: { namespaces: readonly string[]; resultHandoff: ResultHandoff; notify: NotifyMode },
  n: number,
): ChildSpec {
  return {
    role: `worker ${n}`,
    ...WORKER_CLI,
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
    keepLines: 40,
  };
}

/** Starts every child at once; if one fails, stops the others and rethrows the first failure. */
async function spawnAll(specs: readonly ChildSpec[], env?: NodeJS.ProcessEnv): Promise<ChildService[]> {
  const started = await Promise.allSettled(specs.map((spec) => spawnChildService({ ...spec, env })));
  const children = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (!failed) return children;
  await Promise.all(children.map((child) => child.stop()));
  throw failed.reason;
}

export async function startClusterSystem(options: SystemOptions): Promise<TaskerSystem> {
  assertClusterOptions(options);
  const namespaces = namespacesOf([...BUILTIN_TEMPLATES, ...(options.templates ?? [])]);
  await registerExtraTemplates(options);
  const orchestrators: ChildService[] = [];
  const groups = workerGroups((child: ChildService) => child.stop());
  // asked for traces: every child exports its spans to a receiver in this process
  const traces = options.traces ? await startOtlpReceiver() : undefined;
  const env = traces ? otlpExportEnv(traces.endpoint) : undefined;

  let workerSeq = 0;
  const startWorkers = (count: number, groupOptions: WorkerGroupOptions = {}): Promise<WorkerGroup> => {
    const settings = workerGroupSettings(options, groupOptions, namespaces);
    const specs = Array.from({ length: count }, () => workerSpec(options, settings, ++workerSeq));
    return groups.open(count, async (add) => {
      for (const child of await spawnAll(specs, env)) add(child);
    });
  };

  const stopServices = async () => {
    // workers first, so no step is left claimed by a worker whose orchestrator has gone
    await groups.stopAll();
    await Promise.all(orchestrators.map((child) => child.stop()));
    await traces?.close();
  };

  try {
    const count = options.orchestrators ?? 1;
    orchestrators.push(
      ...(await spawnAll(
        Array.from({ length: count }, (_, i) => orchestratorSpec(options, i + 1)),
        env,
      )),
    );
    if ((options.workers ?? 1) > 0) await startWorkers(options.workers ?? 1);
  } catch (error) {
    await stopServices().catch(() => undefined);
    throw error;
  }
  return startedSystem(options, {
    mode: 'cluster',
    orchestrationUrls: orchestrators.map((child) => child.readyValue),
    errors: [],
    traces,
    startWorkers,
    memory: async ({ gc = false } = {}) => {
      const all = [...orchestrators, ...groups.workers()];
      return Promise.all(all.filter((child) => !child.hasExited).map((child) => child.memory({ gc })));
    },
    stopServices,
  });
}
