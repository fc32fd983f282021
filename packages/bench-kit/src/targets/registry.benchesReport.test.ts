/**
 * Every target of the registry is reported by a bench: a bench renamed, or a figure built from other
 * parameters, fails here instead of silently dropping its target ("no target" in the reports).
 * Reads the bench files as text (resolveTargets.ts); runs none of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../provision/paths.ts';
import { PGMQ_NAMES, pgmqBatchLabel, SQL_FUNCTIONS_NAMES } from './benchNames.ts';
import { targetRegistry } from './registry.ts';
import { unresolvedTargets } from './resolveTargets.ts';
import type { TargetRegistry } from './target.ts';

/** suite → source of `packages/<pkg>/bench/<suite>.bench.ts`, for every package */
function benchSources(): { sources: Map<string, string>; files: Map<string, string[]> } {
  const packages = join(repoRoot(), 'packages');
  const files = new Map<string, string[]>();
  const sources = new Map<string, string>();
  for (const pkg of readdirSync(packages)) {
    let names: string[];
    try {
      names = readdirSync(join(packages, pkg, 'bench'));
    } catch {
      continue;
    }
    for (const file of names.filter((n) => n.endsWith('.bench.ts'))) {
      const suite = basename(file, '.bench.ts');
      files.set(suite, [...(files.get(suite) ?? []), join(pkg, 'bench', file)]);
      sources.set(suite, readFileSync(join(packages, pkg, 'bench', file), 'utf8'));
    }
  }
  return { sources, files };
}

const entry = { targets: [] };

describe('the registry and the benches', () => {
  test('every registry entry is reported by its suite’s bench file', () => {
    const { sources } = benchSources();
    expect(unresolvedTargets(targetRegistry, sources)).toEqual([]);
  });

  test('suite names are unique across packages, so a registry key names one bench file', () => {
    const { files } = benchSources();
    expect([...files].filter(([, paths]) => paths.length > 1)).toEqual([]);
  });
});

describe('unresolvedTargets', () => {
  const registry: TargetRegistry = {
    'worker_execution/claim + submit': entry,
    [`sql_functions/${SQL_FUNCTIONS_NAMES.nextReadyTasks({ batch: 10 })}`]: entry,
    [`pgmq/${PGMQ_NAMES.throughput({ op: 'send', batch: pgmqBatchLabel(1) })}`]: entry,
  };
  const sources = new Map([
    ['worker_execution', "await bench('claim + submit', async () => {});"],
    ['sql_functions', 'await bench(SQL_FUNCTIONS_NAMES.nextReadyTasks({ batch: size }), fn);'],
    ['pgmq', 'await record(task, PGMQ_NAMES.throughput({ op, batch: pgmqBatchLabel(size) }), m);'],
  ]);

  test('a literal or a builder call in the suite’s bench file resolves an entry', () => {
    expect(unresolvedTargets(registry, sources)).toEqual([]);
  });

  test('a renamed bench leaves its target unresolved, named with the reason', () => {
    const renamed = new Map(sources).set('worker_execution', "await bench('claim and submit', fn);");
    expect(unresolvedTargets(registry, renamed)).toEqual([
      {
        key: 'worker_execution/claim + submit',
        reason: 'worker_execution.bench.ts neither spells "claim + submit" nor calls a name builder',
      },
    ]);
  });

  test('a bench that builds its name by hand instead of with the builder leaves its target unresolved', () => {
    const byHand = new Map(sources).set(
      'sql_functions',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bench file's source, as text
      'await bench(`get_next_ready_tasks (batch ${size})`, fn);',
    );
    expect(unresolvedTargets(registry, byHand).map((u) => u.key)).toEqual([
      'sql_functions/get_next_ready_tasks (batch 10)',
    ]);
  });

  test('a name only in a comment does not count, and a missing bench file is named', () => {
    const commented = new Map(sources).set(
      'worker_execution',
      "// bench('claim + submit')\n/* 'claim + submit' */",
    );
    commented.delete('pgmq');
    expect(unresolvedTargets(registry, commented)).toEqual([
      {
        key: 'worker_execution/claim + submit',
        reason: 'worker_execution.bench.ts neither spells "claim + submit" nor calls a name builder',
      },
      { key: 'pgmq/send (single)', reason: 'no bench file pgmq.bench.ts' },
    ]);
  });

  test('a builder call whose template cannot make the name does not resolve it', () => {
    const other: TargetRegistry = { 'sql_functions/get_step_readiness_status': entry };
    expect(unresolvedTargets(other, sources)[0]?.reason).toContain(
      'it calls SQL_FUNCTIONS_NAMES.nextReadyTasks(',
    );
  });
});
