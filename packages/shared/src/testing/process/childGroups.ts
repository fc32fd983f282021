/**
 * The lifecycle every spawned service shares: each child runs in a process group of its own
 * (detached), tracked here until it has exited. While any child lives, this process's exit, SIGINT
 * and SIGTERM kill every tracked group, so a test runner that stops — a failed hook, Ctrl-C — leaves
 * no service behind. Stopping one is SIGTERM to its group (the CLIs drain and exit 0), then SIGKILL
 * after a grace period.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let handlersInstalled = false;

/** Whether `child` has exited (or was killed by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends `signal` to the child's process group; nothing once it has exited. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
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

/**
 * Tracks a child just spawned with `detached: true`; resolves with its exit code (null when a
 * signal ended it) once it has exited and its output is read to the end ('close'), no longer tracked.
 */
export function trackChild(child: ChildProcess): Promise<number | null> {
  live.add(child);
  installHandlers();
  return new Promise((resolve) => {
    child.once('close', (code) => {
      live.delete(child);
      if (live.size === 0) uninstallHandlers();
      resolve(code);
    });
  });
}

/** SIGTERM to the child's group, SIGKILL if it is still there after `graceMs`; resolves at its exit. */
export async function stopGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  graceMs: number,
): Promise<void> {
  signalGroup(child, 'SIGTERM');
  const grace = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(grace);
}

/** Pids of the children still tracked (tests assert this is empty after a stop). */
export function liveChildPids(): number[] {
  return [...live].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}
