/**
 * The root Vitest config with `execArgv` and a setup file added to every project, for
 * `pnpm bench:profile`. Vitest's `--execArgv` CLI flag only reaches the root config, and bench forks
 * take theirs from their project's config, so the flags (JSON in TASKER_PROFILE_EXEC_ARGV) are set
 * here on each project; vitest.profile.setup.ts profiles each fork's main thread from inside.
 */
import { fileURLToPath } from 'node:url';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import rootConfig from '../vitest.config.ts';

const execArgv = JSON.parse(process.env.TASKER_PROFILE_EXEC_ARGV ?? '[]') as string[];
const projects = (rootConfig.test?.projects ?? []) as TestProjectInlineConfiguration[];
const setup = fileURLToPath(new URL('./vitest.profile.setup.ts', import.meta.url));
const withSetup = (files: string | string[] | undefined) => [...[files ?? []].flat(), setup];

export default {
  ...rootConfig,
  test: {
    ...rootConfig.test,
    execArgv,
    projects: projects.map((p) => ({
      ...p,
      test: { ...p.test, execArgv, setupFiles: withSetup(p.test?.setupFiles) },
    })),
  },
};
