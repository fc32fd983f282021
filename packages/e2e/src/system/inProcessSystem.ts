/** tasker inside this process: orchestrators via startOrchestration, workers via startWorker. */
import { type Orchestration, parseApiKeys, startOrchestration } from '@tasker/orchestration';
import { BUILTIN_TEMPLATES, type WorkflowTemplate } from '@tasker/shared';
import { createHandlerRegistry, startWorker, type Worker } from '@tasker/worker';
import type { ProcessMemory } from './memoryProtocol.ts';
import { startedSystem, workerGroups } from './runningSystem.ts';
import {
  namespacesOf,
  type SystemOptions,
  type TaskerSystem,
  type WorkerGroup,
  type WorkerGroupOptions,
  workerGroupSettings,
} from './taskerSystem.ts';

export function processMemory(role: string, gc: boolean): ProcessMemory {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect) {
    collect();
    collect();
  }
  const usage = process.memoryUsage();
  return {
    role,
    pid: process.pid,
    gcForced: Boolean(gc && collect),
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
  };
}

export async function startInProcessSystem(options: SystemOptions): Promise<TaskerSystem> {
  const templates: readonly WorkflowTemplate[] = [...BUILTIN_TEMPLATES, ...(options.templates ?? [])];
  const namespaces = namespacesOf(templates);
  const errors: Error[] = [];
  const onError = options.onError ?? ((error: Error) => errors.push(error));
  const orchestrations: Orchestration[] = [];
  const groups = workerGroups((worker: Worker) => worker.close());

  const startWorkers = (count: number, groupOptions: WorkerGroupOptions = {}): Promise<WorkerGroup> =>
    groups.open(count, async (add) => {
      for (let i = 0; i < count; i++)
        add(
          await startWorker({
            connectionString: options.services?.worker ?? options.connectionString,
            ...workerGroupSettings(options, groupOptions, namespaces),
            concurrency: options.workerConcurrency ?? 10,
            handlers: createHandlerRegistry(options.handlers ?? {}),
            onError,
          }),
        );
    });

  const stopAll = async () => {
    await groups.stopAll();
    await Promise.all(orchestrations.map((orchestration) => orchestration.close()));
  };

  try {
    for (let i = 0; i < (options.orchestrators ?? 1); i++)
      orchestrations.push(
        await startOrchestration({
          databaseUrl: options.services?.orchestration ?? options.connectionString,
          ...(options.credential
            ? { auth: { apiKeys: parseApiKeys(options.credential.keyLine, 'the system key') } }
            : {}),
          notify: options.notify ?? 'in_transaction',
          templates,
          onError,
          ...(options.onResultProcessed ? { onResultProcessed: options.onResultProcessed } : {}),
        }),
      );
    if ((options.workers ?? 1) > 0) await startWorkers(options.workers ?? 1);
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
  return startedSystem(options, {
    mode: 'in-process',
    orchestrationUrls: orchestrations.map((orchestration) => orchestration.url),
    errors,
    startWorkers,
    memory: async ({ gc = false } = {}) => [
      processMemory('in-process (orchestration + workers + bench)', gc),
    ],
    stopServices: stopAll,
  });
}
