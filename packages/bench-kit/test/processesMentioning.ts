/**
 * PIDs of the processes whose command line mentions a string (a data directory, a tmp dir), read
 * from /proc: how the lifecycle tests prove that nothing a run started is still running. /proc is
 * Linux's; elsewhere this fails with one line naming the requirement rather than an ENOENT trace.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export function processesMentioning(needle: string): number[] {
  if (!existsSync('/proc/self/cmdline')) {
    throw new Error(
      `this test reads /proc to find leftover processes, which only Linux has (this is ${process.platform}): run it on Linux (README: what a machine needs)`,
    );
  }
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
