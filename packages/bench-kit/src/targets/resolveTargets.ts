/**
 * Which registry entries no bench reports: the check that keeps the target registry and the benches
 * meeting by name (registry.benchesReport.test.ts runs it over every `packages/<pkg>/bench/*.bench.ts`).
 * An entry `<suite>/<name>` resolves when the bench file `<suite>.bench.ts` exists and either spells
 * `name` as a whole string literal, or calls a builder whose template makes `name` —
 * `<SUITE>_NAMES.<builder>(` of benchNames.ts, or `recordCost(` for a cost figure. It reads the
 * source as text (comments left out) and runs nothing, so it is deterministic.
 */
import { BENCH_NAMES, COST_NAMES, type FigureName } from './benchNames.ts';
import type { TargetRegistry } from './target.ts';

export interface UnresolvedTarget {
  key: string;
  reason: string;
}

/** The text that marks a builder's use in a bench file, with the builder. */
interface BuilderUse {
  name: FigureName<string>;
  call: string;
}

export function unresolvedTargets(
  registry: TargetRegistry,
  benchSources: ReadonlyMap<string, string>,
): UnresolvedTarget[] {
  const unresolved: UnresolvedTarget[] = [];
  for (const key of Object.keys(registry)) {
    const slash = key.indexOf('/');
    const [suite, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const source = benchSources.get(suite);
    if (source === undefined) {
      unresolved.push({ key, reason: `no bench file ${suite}.bench.ts` });
      continue;
    }
    const code = withoutComments(source);
    if (spellsLiteral(code, name)) continue;
    const used = buildersOf(suite).filter((builder) => code.includes(builder.call));
    if (used.some((builder) => matchesTemplate(builder.name.template, name))) continue;
    unresolved.push({
      key,
      reason:
        used.length === 0
          ? `${suite}.bench.ts neither spells "${name}" nor calls a name builder`
          : `${suite}.bench.ts neither spells "${name}" nor calls a builder that makes it (it calls ${used.map((b) => b.call).join(', ')})`,
    });
  }
  return unresolved;
}

function buildersOf(suite: string): BuilderUse[] {
  const names = `${suite.toUpperCase()}_NAMES`;
  return [
    ...Object.entries(BENCH_NAMES[suite] ?? {}).map(([builder, name]) => ({
      name,
      call: `${names}.${builder}(`,
    })),
    { name: COST_NAMES.perUnit, call: 'recordCost(' },
  ];
}

function spellsLiteral(code: string, name: string): boolean {
  return ["'", '"', '`'].some((quote) => code.includes(`${quote}${name}${quote}`));
}

/** `{hole}` stands for any non-empty text. */
function matchesTemplate(template: string, name: string): boolean {
  const pattern = template
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${pattern}$`).test(name);
}

/** Block comments and whole-line `//` comments out, so a name in a comment does not count. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}
