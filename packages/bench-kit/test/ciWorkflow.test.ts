/**
 * .github/workflows/ci.yml keeps its promise: typecheck, lint, the schema dump check and the tests (all
 * in .ci/run) on every pull request and every push to main, on the README's fresh-machine path
 * (embedded PostgreSQL, the npm-shipped Chromium), and each action at one major across all workflows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../src/provision/paths.ts';

interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  jobs: Record<string, { env?: Record<string, string>; steps: { uses?: string; run?: string }[] }>;
}

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const ci = parse(read('.github/workflows/ci.yml')) as Workflow;

test('runs on every pull request (any branch) and on pushes to main', () => {
  expect(ci.on).toHaveProperty('pull_request');
  expect(ci.on.pull_request?.branches).toBeUndefined();
  expect(ci.on.push?.branches).toEqual(['main']);
});

test('runs .ci/run, whose steps are the typecheck, the lint, the schema dump check and the tests', () => {
  const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run ?? ''));
  expect(runs).toContain('bash .ci/run');
  const script = read('.ci/run');
  const steps = [
    'step pnpm run typecheck',
    'step pnpm run lint',
    'step pnpm exec node scripts/dump-schema.ts --check',
    'step pnpm test',
  ];
  for (const step of steps) {
    expect(script).toContain(step);
  }
});

test('on the fresh-machine path: embedded PostgreSQL and the npm-shipped Chromium', () => {
  const env = Object.values(ci.jobs)[0]?.env ?? {};
  expect(env.TASKER_DB).toBe('embedded');
  expect(env.TASKER_CHROMIUM).toBe('@sparticuz/chromium');
});

test('each action is used at one major across every workflow and the shared setup', () => {
  const files = [
    ...readdirSync(join(root, '.github/workflows')).map((f) => `.github/workflows/${f}`),
    '.github/actions/setup/action.yml',
  ];
  const majors = new Map<string, Set<string>>();
  for (const file of files) {
    for (const [, action, ref] of read(file).matchAll(/uses: (actions\/[\w-]+)@(\S+)/g)) {
      if (!action || !ref) continue;
      majors.set(action, (majors.get(action) ?? new Set()).add(ref));
    }
  }
  expect(majors.size).toBeGreaterThanOrEqual(5);
  for (const [action, refs] of majors) expect([...refs], action).toHaveLength(1);
});
