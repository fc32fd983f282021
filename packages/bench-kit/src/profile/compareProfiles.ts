/**
 * Before/after CPU profiles (`pnpm bench:profile --base <ref>`): which functions' self time
 * changed most between two sides, each side being one or more `.cpuprofile` files.
 *
 * - Aggregate: self time per function — its name and its script (`scriptOf`: the same in every
 *   checkout; not the line, which moves whenever the file above it changes) — summed over the
 *   side's profiles.
 * - Normalise: each function's share of the side's total sampled time (every profile's samples,
 *   idle included), so a run that took longer, or had more processes sampling for longer, does not
 *   look like a change by itself; the milliseconds are kept beside the shares.
 * - Rank: by the change of share (head − base, in percentage points), largest first, either way.
 *   `(idle)` is not ranked (it is waiting, not work): its shares are in each side's totals.
 */
import {
  type CpuProfile,
  categorize,
  type ProfileCategory,
  scriptOf,
  selfTimeUs,
} from './summarizeProfile.ts';

export interface FunctionSelfTime {
  name: string;
  script: string;
  category: ProfileCategory;
  selfMs: number;
}

export interface SelfTimeAggregate {
  profiles: number;
  /** all samples of all profiles, idle included */
  totalMs: number;
  idleMs: number;
  /** by `${name} ${script}` */
  functions: Map<string, FunctionSelfTime>;
}

export interface SideFigure {
  selfMs: number;
  /** selfMs / the side's totalMs */
  share: number;
}

export interface SelfTimeChange {
  name: string;
  script: string;
  category: ProfileCategory;
  base: SideFigure;
  head: SideFigure;
  /** head.share − base.share */
  shareDelta: number;
}

export interface SideTotals {
  profiles: number;
  totalMs: number;
  idleShare: number;
}

export interface CategoryChange {
  category: ProfileCategory;
  base: SideFigure;
  head: SideFigure;
  shareDelta: number;
}

export interface ProfileComparison {
  base: SideTotals;
  head: SideTotals;
  /** every category either side sampled (idle included), largest head share first */
  categories: CategoryChange[];
  changes: SelfTimeChange[];
}

const functionKey = (name: string, script: string) => `${name} ${script}`;

export function aggregateSelfTime(profiles: readonly CpuProfile[]): SelfTimeAggregate {
  const functions = new Map<string, FunctionSelfTime>();
  let totalMs = 0;
  let idleMs = 0;
  for (const profile of profiles) {
    const selfUs = selfTimeUs(profile);
    for (const node of profile.nodes) {
      const ms = (selfUs.get(node.id) ?? 0) / 1000;
      if (ms === 0) continue;
      totalMs += ms;
      const name = node.callFrame.functionName || '(anonymous)';
      if (name === '(idle)') idleMs += ms;
      const script = scriptOf(node.callFrame.url);
      const key = functionKey(name, script);
      const entry = functions.get(key) ?? { name, script, category: categorize(node.callFrame), selfMs: 0 };
      entry.selfMs += ms;
      functions.set(key, entry);
    }
  }
  return { profiles: profiles.length, totalMs, idleMs, functions };
}

const figure = (entry: FunctionSelfTime | undefined, totalMs: number): SideFigure => {
  const selfMs = entry?.selfMs ?? 0;
  return { selfMs, share: totalMs > 0 ? selfMs / totalMs : 0 };
};

const totals = (side: SelfTimeAggregate): SideTotals => ({
  profiles: side.profiles,
  totalMs: side.totalMs,
  idleShare: side.totalMs > 0 ? side.idleMs / side.totalMs : 0,
});

/** The `top` functions whose share of sampled time changed most between base and head. */
export function compareSelfTime(
  base: SelfTimeAggregate,
  head: SelfTimeAggregate,
  { top = 20 }: { top?: number } = {},
): ProfileComparison {
  const changes: SelfTimeChange[] = [];
  for (const key of new Set([...base.functions.keys(), ...head.functions.keys()])) {
    const b = base.functions.get(key);
    const h = head.functions.get(key);
    const { name, script, category } = (h ?? b) as FunctionSelfTime;
    if (name === '(idle)') continue;
    const baseFigure = figure(b, base.totalMs);
    const headFigure = figure(h, head.totalMs);
    changes.push({
      name,
      script,
      category,
      base: baseFigure,
      head: headFigure,
      shareDelta: headFigure.share - baseFigure.share,
    });
  }
  changes.sort(
    (x, y) =>
      Math.abs(y.shareDelta) - Math.abs(x.shareDelta) ||
      `${x.name}${x.script}`.localeCompare(`${y.name}${y.script}`),
  );
  return {
    base: totals(base),
    head: totals(head),
    categories: compareCategories(base, head),
    changes: changes.slice(0, top),
  };
}

function compareCategories(base: SelfTimeAggregate, head: SelfTimeAggregate): CategoryChange[] {
  const sum = (side: SelfTimeAggregate) => {
    const byCategory = new Map<ProfileCategory, FunctionSelfTime>();
    for (const f of side.functions.values()) {
      const entry = byCategory.get(f.category) ?? {
        name: f.category,
        script: '',
        category: f.category,
        selfMs: 0,
      };
      entry.selfMs += f.selfMs;
      byCategory.set(f.category, entry);
    }
    return byCategory;
  };
  const b = sum(base);
  const h = sum(head);
  return [...new Set([...b.keys(), ...h.keys()])]
    .map((category) => {
      const baseFigure = figure(b.get(category), base.totalMs);
      const headFigure = figure(h.get(category), head.totalMs);
      return {
        category,
        base: baseFigure,
        head: headFigure,
        shareDelta: headFigure.share - baseFigure.share,
      };
    })
    .sort((x, y) => y.head.share - x.head.share || y.base.share - x.base.share);
}

const pct = (share: number) => `${(100 * share).toFixed(2)}%`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const pp = (delta: number) => `${delta >= 0 ? '+' : '−'}${Math.abs(100 * delta).toFixed(2)} pp`;
const cell = (text: string) => text.replaceAll('|', '\\|');

/** One comparison as markdown: both sides' totals, then the ranked changes. */
export function formatProfileComparison(comparison: ProfileComparison): string {
  const { base, head } = comparison;
  const side = (label: string, t: SideTotals) =>
    `${label}: ${t.profiles} profile(s), ${(t.totalMs / 1000).toFixed(1)} s sampled, ${pct(t.idleShare)} idle`;
  const rows = comparison.changes.map(
    (c) =>
      `| ${cell(c.name)} | ${cell(c.script)} | ${c.category} | ${pct(c.base.share)} (${ms(c.base.selfMs)}) | ${pct(c.head.share)} (${ms(c.head.selfMs)}) | ${pp(c.shareDelta)} |`,
  );
  const categories = comparison.categories
    .map((c) => `${c.category} ${pct(c.base.share)} → ${pct(c.head.share)} (${pp(c.shareDelta)})`)
    .join(', ');
  return [
    `${side('base', base)} · ${side('head', head)}`,
    '',
    `By category, share of sampled time base → head: ${categories}.`,
    '',
    '| function | script | category | base: share (self) | head: share (self) | change |',
    '| --- | --- | --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
