/**
 * The one way the tests and benches start a service and read its output: `node <flags> <script>
 * <args>` in a process group of its own (childGroups.ts: tracked, killed if this process goes), its
 * stdout and stderr read line by line (readLines.ts), and ready once a stdout line matches the
 * service's ready pattern (a CLI's "listening on …" or "started" line).
 *
 * A service's life: spawned → ready (the ready line) → stopping (stop / kill) → exited. An exit
 * before ready, or no ready line within the timeout, rejects the start with the service's last
 * output, and nothing is left running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { ServiceUnavailableError } from '../../errors.ts';
import { hasExited, signalGroup, stopGroup, trackChild } from './childGroups.ts';
import { readLines } from './readLines.ts';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
/** output lines an error message quotes */
const LINES_QUOTED = 40;

export type ServiceSpec = {
  /** names the process in errors ("orchestration 1", "tasker-worker") */
  role: string;
  /** the script Node runs (a CLI's .ts file) */
  script: string;
  args?: readonly string[];
  /** Node's own flags, before the script (e.g. `--import` a preload) */
  nodeFlags?: readonly string[];
  /** the child's environment (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** opens an IPC channel (child.send, 'message') beside the pipes */
  ipc?: boolean;
  /** the first stdout line matching this marks the service ready; group 1 (else the match) is handed back */
  ready: RegExp;
  /** default 30 s */
  readyTimeoutMs?: number;
  /** how many output lines `lines` and `stdout` keep, the latest (default: all) */
  keepLines?: number;
};

export interface ServiceProcess {
  readonly role: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** group 1 of the ready line (a URL, a port), else the whole match */
  readonly readyValue: string;
  /** stdout and stderr, one entry per line, in arrival order */
  readonly lines: readonly string[];
  /** stdout alone, one entry per line */
  readonly stdout: readonly string[];
  /** resolves with the exit code (null when a signal ended it) once it has exited */
  readonly exited: Promise<number | null>;
  /** whether it has exited */
  readonly hasExited: boolean;
  /** sends `signal` (default SIGKILL: the crash) to its process group; resolves with the exit code */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** the graceful stop: SIGTERM, SIGKILL after a grace period; idempotent */
  stop(): Promise<void>;
}

/** An array that keeps the latest `limit` entries. */
function boundedLines(limit: number): { lines: string[]; push(line: string): void } {
  const lines: string[] = [];
  return {
    lines,
    push(line) {
      lines.push(line);
      if (lines.length > limit) lines.shift();
    },
  };
}

/**
 * Resolves with the ready value once `onReady` is called; rejects if the child exits first or the
 * timeout passes (`output()` quoted in the error).
 */
function awaitReady(
  spec: ServiceSpec,
  child: ChildProcess,
  exited: Promise<number | null>,
  output: () => string,
): { ready: Promise<string>; onLine(line: string): void } {
  let resolveReady: (value: string) => void = () => undefined;
  let settled = false;
  const timeoutMs = spec.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      settled = true;
      reject(
        new ServiceUnavailableError(spec.role, `no ready line within ${timeoutMs} ms`, { hint: output() }),
      );
    }, timeoutMs);
    resolveReady = (value) => {
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    void exited.then((code) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(
        new ServiceUnavailableError(
          spec.role,
          `exited (code ${code}, signal ${child.signalCode}) before it was ready`,
          { hint: output() },
        ),
      );
    });
  });
  return {
    ready,
    onLine(line) {
      if (settled) return;
      const match = spec.ready.exec(line);
      if (match) resolveReady(match[1] ?? match[0]);
    },
  };
}

export async function spawnService(spec: ServiceSpec): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), spec.script, ...(spec.args ?? [])], {
    detached: true,
    stdio: spec.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    ...(spec.env ? { env: spec.env } : {}),
  });
  const exited = trackChild(child);
  const keep = spec.keepLines ?? Number.POSITIVE_INFINITY;
  const all = boundedLines(keep);
  const stdout = boundedLines(keep);
  const quoted = () => `its last output:\n${all.lines.slice(-LINES_QUOTED).join('\n')}`;
  const readiness = awaitReady(spec, child, exited, quoted);
  child.on('error', (error) => all.push(`spawn error: ${error.message}`));
  if (child.stdout)
    readLines(child.stdout, (line) => {
      all.push(line);
      stdout.push(line);
      readiness.onLine(line);
    });
  if (child.stderr) readLines(child.stderr, (line) => all.push(line));

  let readyValue: string;
  try {
    readyValue = await readiness.ready;
  } catch (error) {
    signalGroup(child, 'SIGKILL');
    await exited;
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    role: spec.role,
    child,
    pid: child.pid ?? -1,
    readyValue,
    lines: all.lines,
    stdout: stdout.lines,
    exited,
    get hasExited() {
      return hasExited(child);
    },
    kill: (signal = 'SIGKILL') => {
      signalGroup(child, signal);
      return exited;
    },
    stop: () => {
      stopping ??= stopGroup(child, exited, STOP_GRACE_MS);
      return stopping;
    },
  };
}
