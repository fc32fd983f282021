/**
 * Root Vitest config: the per-package projects, and the one global setup that provisions
 * PostgreSQL for every test and bench file (the harness, packages/bench-kit/src/provision) with a
 * template prepared for tasker: PGMQ + migrations (packages/shared/src/testing/globalSetup.ts).
 */
import { fileURLToPath } from 'node:url';
import { activeProfile } from '@tasker/bench-kit/node';
import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

export default defineConfig({
  // the repo root, also when a package script runs Vitest from packages/<name>
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    projects,
    globalSetup: ['packages/shared/src/testing/globalSetup.ts'],
    // Vitest's own output, plus the bench reports (banners, tmp/benchmarks/, baselines); the latter
    // stays silent in `vitest run`, which has no benchmark projects
    reporters: ['default', './packages/bench-kit/src/report/reporter.ts'],
    // a bench test runs as long as its profile asks (the full profile's 100K-task seeding and sample
    // counts take minutes): the timeout there only catches a hang; tests keep 30 s
    testTimeout: process.argv.includes('bench') ? (activeProfile() === 'full' ? 3_600_000 : 600_000) : 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Tests and benches import the code natively (Node strips the types; the code uses only
    // erasable syntax and .ts imports), as the services run it. Vite's module runner would turn every
    // imported binding into a getter that micro benches pay for on each call; reports record which
    // loader ran (environment → module loading).
    experimental: { viteModuleRunner: false },
  },
});
