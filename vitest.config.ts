/**
 * Root Vitest config: the per-package projects, and the one global setup that provisions
 * PostgreSQL + PGMQ for every test and bench file (see packages/bench-kit/src/provision).
 */
import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

export default defineConfig({
  test: {
    projects,
    globalSetup: ['packages/bench-kit/src/provision/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
