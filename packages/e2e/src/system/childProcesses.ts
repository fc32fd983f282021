/**
 * Cluster mode's child processes: each service is `node --expose-gc --import childGuard.ts <cli.ts>`
 * in its own process group (detached), tracked here until it has exited. Stopping is SIGTERM to
 * the group (the CLIs drain and exit 0), then SIGKILL after a grace period. While any child lives,
 * this process's SIGINT / SIGTERM / exit kill every tracked group, and a runner killed outright is
 * covered by childGuard (the child stops itself when the IPC channel closes).
 *
 * A child's life: spawned → ready (its CLI printed the ready line) → stopping → exited. An exit
 * before ready rejects the start with the child's last output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// not the package root: its index loads Vitest fixtures, and scripts/measure-cli-chain.ts spawns
// services outside Vitest
import { processCpuMs } from '@tasker/bench-kit/proc-stat';
import { ChildProcessError } from '../errors.ts';
import type { MemoryReply, MemoryRequest, ProcessMemory } from './memoryProtocol.ts';

const GUARD = fileURLToPath(new URL('./childGuard.ts', import.meta.url));
const STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 30_000;
const OUTPUT_LINES_KEPT = 40;

export type ChildSpec = {
  role: string;
  script: string;
  args: readonly string[];
  /** the first stdout line matching this marks the service ready; group 1 is handed back */
  ready: RegExp;
};

export type ChildService = {
  readonly role: string;
  readonly pid: number;
  /** group 1 of the ready line (a URL or a port) */
  readonly readyValue: string;
  readonly exited: boolean;
  memory(options?: { gc?: boolean }): Promise<ProcessMemory>;
  stop(): Promise<void>;
};

const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  uninstallHandlers();
  // re-raise: with our listener gone the default action (or the host's own handler) applies
  process.kill(process.pid, signal);
}

const onSigint = () => onSignal('SIGINT');
const onSigterm = () => onSignal('SIGTERM');

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAll);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', killAll);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
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

/** Pids of the children still tracked (tests assert this is empty after a stop). */
export function liveChildPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
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

export async function spawnService(spec: ChildSpec): Promise<ChildService> {
  const node = ['--expose-gc', ...profilerFlags(spec.role), '--import', GUARD];
  const child = spawn(process.execPath, [...node, spec.script, ...spec.args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // the runner's own NODE_OPTIONS (a debugger's --inspect-brk, an editor's auto-attach --require,
    // a --cpu-prof meant for the runner) would stall or litter every service: profiling is asked
    // for explicitly, above
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  live.add(child);
  installHandlers();
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      if (child.pid !== undefined) startUpCpu.delete(child.pid);
      if (live.size === 0) uninstallHandlers();
      resolve();
    });
  });
  let onReadyLine: ((value: string) => void) | undefined;
  const keep = (line: string) => {
    output.push(line);
    if (output.length > OUTPUT_LINES_KEPT) output.shift();
  };
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      keep(line);
      const match = spec.ready.exec(line);
      if (match && onReadyLine) onReadyLine(match[1] ?? '');
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line) keep(`stderr: ${line}`);
  });
  child.on('error', (error) => keep(`spawn error: ${error.message}`));

  let readyValue: string;
  try {
    readyValue = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ChildProcessError(`${spec.role} did not become ready in ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      onReadyLine = (value) => {
        clearTimeout(timer);
        const startUpMs = child.pid === undefined ? undefined : processCpuMs(child.pid);
        if (child.pid !== undefined && startUpMs !== undefined) startUpCpu.set(child.pid, startUpMs);
        resolve(value);
      };
      void exited.then(() => {
        clearTimeout(timer);
        reject(
          new ChildProcessError(
            `${spec.role} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready:\n${output.join('\n')}`,
          ),
        );
      });
    });
  } catch (error) {
    killGroup(child, 'SIGKILL');
    await exited;
    throw error;
  }

  let nextId = 1;
  let stopping: Promise<void> | undefined;
  return {
    role: spec.role,
    pid: child.pid ?? -1,
    readyValue,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    memory: ({ gc = false } = {}) =>
      new Promise<ProcessMemory>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new ChildProcessError(`${spec.role} (pid ${child.pid}) did not answer a memory query`));
        }, 10_000);
        const onMessage = (reply: MemoryReply) => {
          if (reply?.type !== 'tasker:memory' || reply.id !== id) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          const { type: _type, id: _id, ...usage } = reply;
          resolve({ role: spec.role, pid: child.pid ?? -1, ...usage });
        };
        child.on('message', onMessage);
        const request: MemoryRequest = { type: 'tasker:memory', id, gc };
        child.send(request);
      }),
    stop: () => {
      stopping ??= (async () => {
        killGroup(child, 'SIGTERM');
        const grace = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(grace);
      })();
      return stopping;
    },
  };
}
