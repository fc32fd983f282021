/**
 * The toolchain is pinned in one place each, and everything a person or CI runs uses that pin:
 * pnpm's version in package.json's `packageManager` (pnpm-workspace.yaml says why pnpm itself cannot
 * enforce it), Node's in the catalog's `node` package. A README command or a workflow that names
 * another version fails here, with the file and the command.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../src/provision/paths.ts';

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const manifest = JSON.parse(read('package.json')) as { packageManager?: string; engines?: { node?: string } };
const workspace = parse(read('pnpm-workspace.yaml')) as {
  catalog: Record<string, string>;
  nodeVersion?: string;
};

/** Markdown a person follows and the YAML CI runs: the README, docs/, .github/. */
function instructionFiles(): string[] {
  const under = (dir: string, pattern: RegExp) =>
    readdirSync(join(root, dir), { recursive: true })
      .map(String)
      .filter((file) => pattern.test(file))
      .map((file) => join(dir, file));
  return ['README.md', ...under('docs', /\.md$/), ...under('.github', /\.ya?ml$/), '.ci/run'];
}

describe('pnpm', () => {
  const pinned = manifest.packageManager ?? '';

  test('package.json pins one exact pnpm version', () => {
    expect(pinned).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
  });

  test('every `npx pnpm@…` in the README, docs, workflows and .ci/run is the pinned version', () => {
    const mismatches = instructionFiles().flatMap((file) =>
      [...read(file).matchAll(/npx -y (pnpm@[\w.-]+)/g)]
        .filter((match) => match[1] !== pinned)
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(mismatches, `use npx -y ${pinned}`).toEqual([]);
  });

  test('.ci/run and the CI set-up read the version from package.json instead of restating it', () => {
    for (const file of ['.ci/run', '.github/actions/setup/action.yml']) {
      expect(read(file), file).toContain('packageManager');
    }
  });
});

describe('Node', () => {
  const pinned = workspace.catalog.node ?? '';

  test('engines, pnpm’s nodeVersion and the catalog’s `node` package agree', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(workspace.nodeVersion).toBe(pinned);
    expect(manifest.engines?.node).toBe(`>=${pinned}`);
  });

  test('CI starts pnpm with the pinned major', () => {
    const setup = parse(read('.github/actions/setup/action.yml')) as {
      runs: { steps: { uses?: string; with?: Record<string, unknown> }[] };
    };
    const setupNode = setup.runs.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(String(setupNode?.with?.['node-version'])).toBe(pinned.split('.')[0]);
  });
});
