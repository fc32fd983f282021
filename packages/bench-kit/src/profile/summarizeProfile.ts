/**
 * Where a bench worker's CPU time went, from a V8 `.cpuprofile` (what `--cpu-prof` writes): self
 * time per node (hit count × the sampling interval, or the recorded time deltas), grouped into the
 * categories that answer "is this SQL, serialization or framework?":
 *
 *   idle          (idle): the worker waits — for PostgreSQL in a DB-bound bench, so this is mostly
 *                 SQL time as seen from Node (the server's own time is in EXPLAIN / pg_stat_statements)
 *   pg-driver     node_modules/pg*, pg-protocol: building and parsing wire messages
 *   serialization JSON.parse / JSON.stringify and Buffer/string conversion
 *   http          fastify, undici, light-my-request, node:http / node:net
 *   harness       vitest, tinybench, @vitest/*, bench-kit, a package's test machinery (src/testing,
 *                 bench/support: seeding, fixtures)
 *   tasker        packages/<name>/src — our own code
 *   gc            (garbage collector)
 *   node-internal node: builtins not listed above
 *   other         (program), native and the rest
 *
 * and the top functions by self time.
 */
import { readFileSync } from 'node:fs';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export type ProfileCategory =
  | 'idle'
  | 'pg-driver'
  | 'serialization'
  | 'http'
  | 'harness'
  | 'tasker'
  | 'gc'
  | 'node-internal'
  | 'other';

export interface ProfileSummary {
  totalMs: number;
  byCategory: Record<ProfileCategory, number>;
  top: { name: string; location: string; category: ProfileCategory; selfMs: number }[];
}

export function categorize(frame: CpuProfileNode['callFrame']): ProfileCategory {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'gc';
  if (/\/node_modules\/(\.pnpm\/)?(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-[\w-]+)[@/]/.test(url))
    return 'pg-driver';
  if (/^(parse|stringify)$/.test(fn) && url === '') return 'serialization';
  if (
    /\/node_modules\/(\.pnpm\/)?(fastify|@fastify|undici|light-my-request|find-my-way|fast-json-stringify|avvio)[@/]/.test(
      url,
    ) ||
    /^node:(_http|http|net)/.test(url)
  )
    return 'http';
  if (
    /\/node_modules\/(\.pnpm\/)?(vitest|@vitest|tinybench|tinypool|vite)[@/]/.test(url) ||
    url.includes('/packages/bench-kit/') ||
    /\/packages\/[\w-]+\/(src\/testing|bench\/support)\//.test(url)
  )
    return 'harness';
  if (/\/packages\/[\w-]+\/(src|bench)\//.test(url)) return 'tasker';
  if (/^node:(buffer|string_decoder)/.test(url)) return 'serialization';
  if (url.startsWith('node:')) return 'node-internal';
  return 'other';
}

/**
 * Self time (µs) per node id: sample i is charged the interval until the next sample
 * (timeDeltas[i + 1]); a profile without samples spreads its duration over the hit counts.
 */
export function selfTimeUs(profile: CpuProfile): Map<number, number> {
  const selfUs = new Map<number, number>();
  if (profile.samples?.length && profile.timeDeltas?.length === profile.samples.length) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i] as number;
      const dt = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
    }
  } else {
    const hits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0) || 1;
    const interval = (profile.endTime - profile.startTime) / hits;
    for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * interval);
  }
  return selfUs;
}

/**
 * A frame's script, the same in every checkout: `packages/<name>/…` for ours, `<package>/…` for a
 * dependency (no store path, no version), `node:…` for builtins, `(native)` without a URL; no
 * query (Vitest imports a bench file as `….bench.ts?vitest=<time>`).
 */
export function scriptOf(url: string): string {
  if (!url) return '(native)';
  return url
    .replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^file:\/\/.*\/packages\//, 'packages/')
    .replace(/\?.*$/, '');
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const selfUs = selfTimeUs(profile);
  const byCategory: Record<ProfileCategory, number> = {
    idle: 0,
    'pg-driver': 0,
    serialization: 0,
    http: 0,
    harness: 0,
    tasker: 0,
    gc: 0,
    'node-internal': 0,
    other: 0,
  };
  const byFunction = new Map<string, ProfileSummary['top'][number]>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    if (ms === 0) continue;
    total += ms;
    const category = categorize(node.callFrame);
    byCategory[category] += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = url ? `${scriptOf(url)}:${lineNumber + 1}` : '(native)';
    const name = functionName || '(anonymous)';
    const id = `${name} ${location}`;
    const entry = byFunction.get(id) ?? { name, location, category, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(id, entry);
  }
  return {
    totalMs: total,
    byCategory,
    top: [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
  };
}

export function readCpuProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatProfileSummary(file: string, s: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / (s.totalMs || 1)).toFixed(1)}%`;
  const cats = Object.entries(s.byCategory)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([c, ms]) => `  ${c.padEnd(14)} ${ms.toFixed(0).padStart(8)} ms  ${pct(ms).padStart(6)}`);
  const top = s.top.map(
    (f) => `  ${f.selfMs.toFixed(1).padStart(9)} ms  ${f.category.padEnd(13)} ${f.name} (${f.location})`,
  );
  return [
    `${file} — ${(s.totalMs / 1000).toFixed(1)} s sampled`,
    ...cats,
    '  top functions by self time:',
    ...top,
  ].join('\n');
}
