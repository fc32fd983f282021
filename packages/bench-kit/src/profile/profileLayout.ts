/**
 * Files the profiles of one `pnpm bench:profile` run under the bench that made them and names each
 * after its process:
 *
 *   fork.<pid>.cpuprofile                             a bench process's main thread (Vitest fork,
 *                                                     profiled from inside by scripts/vitest.profile.setup.ts)
 *                                                                    → <bench>/bench.<pid>.cpuprofile
 *   CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile    V8's exit-time profile (--cpu-prof) of a fork:
 *                                                     tid ≠ 0        → <bench>/bench.<pid>.thread-<tid>.cpuprofile
 *                                                     tid 0          → deleted where fork.<pid> exists (the same
 *                                                                      thread), else <bench>/bench.<pid>.cpuprofile
 *   fork.<pid>.heapprofile, Heap.<…>.heapprofile      (--heap) the same way, → <bench>/bench.<pid>.heapprofile
 *   runner-<runner pid>.<role>.<pid>.cpuprofile       a cluster child (e2e's spawnService names it)
 *                                                                    → <bench of the runner>/<role>.<pid>.cpuprofile
 *
 * A bench process's bench is the `*.bench.ts` file among its profiles' frames (Vitest runs each
 * file in a fork of its own; several are joined with `+`); a fork that ran none is `no-bench`,
 * a child whose runner left no profile `unattributed`.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CpuProfile, readCpuProfile } from './summarizeProfile.ts';

type Ext = 'cpuprofile' | 'heapprofile';

export type ProfileFile =
  | { kind: 'runner'; source: 'inside' | 'exit'; pid: number; thread: number; ext: Ext }
  | { kind: 'child'; runnerPid: number; role: string; pid: number; ext: 'cpuprofile' };

const FORK = /^fork\.(\d+)\.(cpuprofile|heapprofile)$/;
const RUNNER = /^(CPU|Heap)\.\d{8}\.\d{6}\.(\d+)\.(\d+)\.\d+\.(cpuprofile|heapprofile)$/;
const CHILD = /^runner-(\d+)\.([\w-]+)\.(\d+)\.cpuprofile$/;

export function parseProfileName(name: string): ProfileFile | undefined {
  const fork = FORK.exec(name);
  if (fork) return { kind: 'runner', source: 'inside', pid: Number(fork[1]), thread: 0, ext: fork[2] as Ext };
  const runner = RUNNER.exec(name);
  if (runner)
    return {
      kind: 'runner',
      source: 'exit',
      pid: Number(runner[2]),
      thread: Number(runner[3]),
      ext: runner[4] as Ext,
    };
  const child = CHILD.exec(name);
  if (child)
    return {
      kind: 'child',
      runnerPid: Number(child[1]),
      role: child[2] as string,
      pid: Number(child[3]),
      ext: 'cpuprofile',
    };
  return undefined;
}

/** The bench files (`e2e_latency` for …/e2e_latency.bench.ts?vitest=…) whose code is among a profile's frames. */
export function benchesInProfile(profile: CpuProfile): string[] {
  const benches = new Set<string>();
  for (const node of profile.nodes) {
    const match = /\/([\w.-]+)\.bench\.ts(\?.*)?$/.exec(node.callFrame.url);
    if (match) benches.add(match[1] as string);
  }
  return [...benches].sort();
}

/**
 * New relative path of each profile file (null: delete it, another profile of the same thread is
 * kept), from the names alone and the bench each runner pid ran (`benchOf`); files that are not
 * profiles of this layout are left where they are.
 */
export function layoutProfiles(
  names: readonly string[],
  benchOf: ReadonlyMap<number, string>,
): Map<string, string | null> {
  const files = names.flatMap((name) => {
    const file = parseProfileName(name);
    return file ? [{ name, file }] : [];
  });
  const fromInside = new Set(
    files.flatMap(({ file }) =>
      file.kind === 'runner' && file.source === 'inside' ? [`${file.pid}.${file.ext}`] : [],
    ),
  );
  const moves = new Map<string, string | null>();
  for (const { name, file } of files) {
    if (file.kind === 'runner') {
      if (file.source === 'exit' && file.thread === 0 && fromInside.has(`${file.pid}.${file.ext}`)) {
        moves.set(name, null);
        continue;
      }
      const thread = file.thread === 0 ? '' : `.thread-${file.thread}`;
      moves.set(name, join(benchOf.get(file.pid) ?? 'no-bench', `bench.${file.pid}${thread}.${file.ext}`));
    } else {
      moves.set(
        name,
        join(benchOf.get(file.runnerPid) ?? 'unattributed', `${file.role}.${file.pid}.${file.ext}`),
      );
    }
  }
  return moves;
}

/** Moves the profiles written flat into `dir` into the layout above; returns their new paths. */
export function arrangeProfiles(dir: string): string[] {
  const names = readdirSync(dir);
  const benchesOf = new Map<number, Set<string>>();
  for (const name of names) {
    const file = parseProfileName(name);
    if (file?.kind !== 'runner' || file.ext !== 'cpuprofile') continue;
    const benches = benchesOf.get(file.pid) ?? new Set<string>();
    for (const bench of benchesInProfile(readCpuProfile(join(dir, name)))) benches.add(bench);
    benchesOf.set(file.pid, benches);
  }
  const benchOf = new Map(
    [...benchesOf].map(([pid, benches]) => [pid, [...benches].join('+') || 'no-bench']),
  );
  const moved: string[] = [];
  for (const [from, to] of layoutProfiles(names, benchOf)) {
    if (to === null) {
      rmSync(join(dir, from));
      continue;
    }
    mkdirSync(join(dir, dirname(to)), { recursive: true });
    renameSync(join(dir, from), join(dir, to));
    moved.push(to);
  }
  return moved.sort();
}

/** The role a profile's new name gives its process, without its number: `bench`, `bench-thread`, `orchestration`, `worker`. */
export function profileRole(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const [process = '', , thread] = name.split('.');
  return `${process.replace(/-\d+$/, '')}${thread?.startsWith('thread-') ? '-thread' : ''}`;
}
