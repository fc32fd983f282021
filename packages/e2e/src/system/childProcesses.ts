/**
 * Cluster mode's child processes: shared's spawnService (@tasker/shared/testing: a process group of
 * its own, output read line by line, ready at its ready line, killed if this process goes) with what
 * a measured service needs besides: `node --expose-gc --import childGuard.ts <cli.ts>`, whose guard
 * stops the child when the IPC channel closes (a runner killed outright leaves no orphan) and
 * answers memory queries over it; the runner's NODE_OPTIONS left out; the profiler flags of
 * `bench:profile`; and the CPU each child spent starting, for the cost meter.
 */
import { fileURLToPath } from 'node:url';
// not the package root: its index loads Vitest fixtures, and scripts/measure-cli-chain.ts spawns
// services outside Vitest
import { processCpuMs } from '@tasker/bench-kit/proc-stat';
import { type ServiceProcess, type ServiceSpec, spawnService } from '@tasker/shared/testing';
import { ChildProcessError } from '../errors.ts';
import type { MemoryReply, MemoryRequest, ProcessMemory } from './memoryProtocol.ts';

const GUARD = fileURLToPath(new URL('./childGuard.ts', import.meta.url));
const MEMORY_QUERY_TIMEOUT_MS = 10_000;

/** What to run and when it is ready (see ServiceSpec); the flags, IPC and environment are set here. */
export type ChildSpec = Omit<ServiceSpec, 'nodeFlags' | 'ipc' | 'env'> & {
  /** added to the runner's environment (e.g. where to export spans) */
  env?: NodeJS.ProcessEnv;
};

export interface ChildService extends ServiceProcess {
  /** the child's memory, after a full GC when asked (over the guard's IPC channel) */
  memory(options?: { gc?: boolean }): Promise<ProcessMemory>;
}

/** CPU ms each live child had spent when it printed its ready line: its start-up. */
const startUpCpu = new Map<number, number>();

/**
 * A live child's start-up CPU (ms until its ready line), for the cost meter to leave out of the
 * work of a service started inside its window; undefined for a pid that is not a ready child.
 */
export function childStartUpCpuMs(pid: number): number | undefined {
  return startUpCpu.get(pid);
}

/**
 * The profiler flags `pnpm bench:profile` asks every child for (TASKER_CHILD_PROFILE: a JSON array
 * of Node flags, e.g. `--cpu-prof`, `--cpu-prof-dir=…`), with the profile named after the child:
 * `runner-<this pid>.<role>.<child pid>.cpuprofile`, so that bench:profile files it beside the
 * profile of the bench process that started it. The CLIs exit through process.exit on SIGTERM,
 * which is when V8 writes it.
 */
function profilerFlags(role: string): string[] {
  const flags = JSON.parse(process.env.TASKER_CHILD_PROFILE ?? '[]') as string[];
  if (!flags.includes('--cpu-prof')) return flags;
  return [...flags, `--cpu-prof-name=runner-${process.pid}.${role.replace(/\W+/g, '-')}.\${pid}.cpuprofile`];
}

/** Records the child's CPU at its ready line, forgotten when it exits. */
function recordStartUp(service: ServiceProcess): void {
  const startUpMs = processCpuMs(service.pid);
  if (startUpMs === undefined) return;
  startUpCpu.set(service.pid, startUpMs);
  void service.exited.then(() => startUpCpu.delete(service.pid));
}

/** Asks the child's guard for its memory usage (one id per query; the reply carries it back). */
function queryMemory(service: ServiceProcess, id: number, gc: boolean): Promise<ProcessMemory> {
  const { child, role, pid } = service;
  return new Promise<ProcessMemory>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new ChildProcessError(`${role} (pid ${pid}) did not answer a memory query`));
    }, MEMORY_QUERY_TIMEOUT_MS);
    const onMessage = (reply: MemoryReply) => {
      if (reply?.type !== 'tasker:memory' || reply.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      const { type: _type, id: _id, ...usage } = reply;
      resolve({ role, pid, ...usage });
    };
    child.on('message', onMessage);
    const request: MemoryRequest = { type: 'tasker:memory', id, gc };
    child.send(request);
  });
}

export async function spawnChildService(spec: ChildSpec): Promise<ChildService> {
  const service = await spawnService({
    ...spec,
    nodeFlags: ['--expose-gc', ...profilerFlags(spec.role), '--import', GUARD],
    ipc: true,
    // the runner's own NODE_OPTIONS (a debugger's --inspect-brk, an editor's auto-attach --require,
    // a --cpu-prof meant for the runner) would stall or litter every service: profiling is asked
    // for explicitly, above
    env: { ...process.env, ...spec.env, NODE_OPTIONS: '' },
  });
  recordStartUp(service);
  let nextId = 1;
  return Object.assign(service, {
    memory: ({ gc = false } = {}) => queryMemory(service, nextId++, gc),
  });
}
