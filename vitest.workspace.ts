/**
 * The list of Vitest projects: one per workspace package, each with its test and benchmark globs.
 * Vitest 4 removed workspace files, so this module only exports the list; vitest.config.ts consumes
 * it through `test.projects`. `--project <name>` selects one package.
 */
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';

export const packageNames = ['shared', 'client', 'orchestration', 'worker', 'e2e', 'bench-kit'] as const;

export const projects: TestProjectInlineConfiguration[] = packageNames.map(
  (name): TestProjectInlineConfiguration => ({
    // inherit the root options (timeouts, pool, reporters); the root globalSetup runs once for all
    extends: true,
    test: {
      name,
      // absolute, so per-package scripts (run from packages/<name>) resolve the same roots
      root: fileURLToPath(new URL(`./packages/${name}/`, import.meta.url)),
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      benchmark: {
        include: ['bench/**/*.bench.ts'],
        // raw samples are kept so p95, outliers and significance tests use the real distribution
        retainSamples: true,
      },
    },
  }),
);
