/**
 * The structure of .github/workflows/bench.yml: its triggers, its two jobs and what each runs, and
 * that every `$PNPM <script>` it calls exists in the root package.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { PR_COMMENT_MARKER } from '../src/ab/prComment.ts';
import { repoRoot } from '../src/provision/paths.ts';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  'runs-on': string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  jobs: Record<string, Job>;
}

const root = repoRoot();
const workflow = parse(readFileSync(join(root, '.github/workflows/bench.yml'), 'utf8')) as Workflow;
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

test('triggers: pull requests and pushes to main', () => {
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
  expect(workflow.on.push?.branches).toEqual(['main']);
});

test('pull requests: bench:ab against the target branch, then one comment updated in place', () => {
  const job = Object.values(workflow.jobs).find((j) => j.if?.includes("'pull_request'"));
  expect(job).toBeDefined();
  if (!job) return;
  expect(runs(job)).toMatch(/bench:ab --base origin\/\$\{\{ github\.base_ref \}\}/);
  // bench:ab needs the base branch's history in the checkout
  expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0);
  const comment = job.steps.find((s) => s.uses?.startsWith('actions/github-script'));
  const script = String(comment?.with?.script ?? '');
  expect(script).toContain(PR_COMMENT_MARKER);
  expect(script).toContain('tmp/benchmarks/pr-comment.md');
  expect(script).toMatch(/updateComment[\s\S]*createComment/);
  expect(job.permissions?.['pull-requests']).toBe('write');
});

test('pull requests: CPU profiles of some benches against the target branch, kept as an artifact', () => {
  const job = Object.values(workflow.jobs).find((j) => j.if?.includes("'pull_request'"));
  expect(job).toBeDefined();
  if (!job) return;
  const profile = job.steps.findIndex((s) =>
    /bench:profile --base origin\/\$\{\{ github\.base_ref \}\} \w/.test(s.run ?? ''),
  );
  expect(profile).toBeGreaterThanOrEqual(0);
  const upload = job.steps.findIndex(
    (s) =>
      s.uses?.startsWith('actions/upload-artifact') &&
      String(s.with?.path).includes('tmp/benchmarks/profiles/'),
  );
  expect(upload).toBeGreaterThan(profile);
  // the same major as the workflow's other uploads
  const majors = new Set(
    Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses?.startsWith('actions/upload-artifact'))
      .map((s) => s.uses),
  );
  expect(majors.size).toBe(1);
});

test('pushes to main: a full run saved as baseline "main", history kept across runs', () => {
  const job = Object.values(workflow.jobs).find((j) => j.if?.includes("'push'"));
  expect(job).toBeDefined();
  if (!job) return;
  expect(runs(job)).toMatch(/bench:full --save-baseline main/);
  const cache = job.steps.find((s) => s.uses?.startsWith('actions/cache'));
  expect(String(cache?.with?.path)).toContain('tmp/benchmarks/history.jsonl');
  expect(String(cache?.with?.path)).toContain('tmp/benchmarks/baselines/main.json');
  // restore before the run, so the run appends to the previous history
  expect(job.steps.indexOf(cache as Step)).toBeLessThan(
    job.steps.findIndex((s) => s.run?.includes('bench:full')),
  );
});

test('every pnpm script the workflow calls exists in package.json', () => {
  const called = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    // `$PNPM` is the pinned pnpm that .github/actions/setup exports
    .flatMap((s) =>
      [...(s.run ?? '').matchAll(/(?:\$PNPM|pnpm(?:@[\d.]+)?) ([\w:-]+)/g)].map((m) => m[1] as string),
    )
    .filter((name) => name !== 'install');
  expect(called.length).toBeGreaterThanOrEqual(3);
  for (const name of called) expect(scripts, `pnpm ${name}`).toHaveProperty([name]);
});
