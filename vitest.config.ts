/**
 * Root Vitest config: the per-package projects, and the one global setup that provisions
 * PostgreSQL + PGMQ for every test and bench file (see packages/bench-kit/src/provision).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

export default defineConfig({
  // the repo root, also when a package script runs Vitest from packages/<name>
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    projects,
    globalSetup: ['packages/bench-kit/src/provision/globalSetup.ts'],
    // Vitest's own output, plus the bench reports (banners, tmp/benchmarks/, baselines); the latter
    // stays silent in `vitest run`, which has no benchmark projects
    reporters: ['default', './packages/bench-kit/src/report/reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
