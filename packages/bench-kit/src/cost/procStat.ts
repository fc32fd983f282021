/**
 * CPU time of processes from Linux's /proc/<pid>/stat, in clock ticks (`getconf CLK_TCK`, read once).
 * utime/stime are the process's own user and system time; cutime/cstime are the times of its
 * children that have exited and been waited for — which is where a child's time goes when it exits
 * between two readings, so "parent's four + each live child's two" changes only by the CPU that was
 * spent in between. Fields as in proc(5); the command name sits in parentheses and may itself hold
 * spaces or parentheses, so the fields are counted from the last ')'.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessTimes {
  pid: number;
  ppid: number;
  /** the command name (`comm`), e.g. "postgres" */
  command: string;
  utimeTicks: number;
  stimeTicks: number;
  /** exited, waited-for children's user and system time */
  cutimeTicks: number;
  cstimeTicks: number;
  /** when the process started, ticks after boot */
  startTicks: number;
}

/** Parses one /proc/<pid>/stat line; undefined when it is not one. */
export function parseProcStat(line: string): ProcessTimes | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // fields from the 3rd (state) on: index 0 is field 3 of proc(5)
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const times: ProcessTimes = {
    pid,
    ppid: field(4),
    command: line.slice(open + 1, close),
    utimeTicks: field(14),
    stimeTicks: field(15),
    cutimeTicks: field(16),
    cstimeTicks: field(17),
    startTicks: field(22),
  };
  const numbers = [pid, times.ppid, times.utimeTicks, times.stimeTicks, times.cutimeTicks, times.cstimeTicks];
  return numbers.every(Number.isInteger) ? times : undefined;
}

/** The process's times, or undefined when there is no such process (or no /proc). */
export function readProcessTimes(pid: number | 'self'): ProcessTimes | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every live process whose parent is `ppid` (a scan of /proc). */
export function childrenOf(ppid: number): ProcessTimes[] {
  const children: ProcessTimes[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const times = readProcessTimes(Number(entry));
    if (times?.ppid === ppid) children.push(times);
  }
  return children;
}

/** A process's own user + system CPU so far, ms; undefined when there is no such process. */
export function processCpuMs(pid: number): number | undefined {
  const times = readProcessTimes(pid);
  return times && ((times.utimeTicks + times.stimeTicks) * 1000) / clockTicksPerSecond();
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK` (usually 100), asked once per process. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (!Number.isInteger(answer) || answer <= 0)
      throw new Error(`getconf CLK_TCK answered ${JSON.stringify(answer)}, not a positive integer`);
    ticksPerSecond = answer;
  }
  return ticksPerSecond;
}

/** When the machine booted, epoch seconds (`btime` of /proc/stat), or undefined without /proc. */
export function bootTimeEpochSeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('btime '));
    const seconds = Number(line?.slice('btime '.length).trim());
    return Number.isFinite(seconds) ? seconds : undefined;
  } catch {
    return undefined;
  }
}
