import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { repoTmpDir } from '../provision/paths.ts';
import { addWorktree, resolveCommit } from './worktree.ts';

/** `git init -b` needs 2.28; bench:ab's `git worktree add --detach` / `remove --force` are older. */
const GIT_REQUIRED = { major: 2, minor: 28 };

/** git missing or too old: one line naming the requirement, before any git command fails. */
function requireGit(): void {
  const needed = `git >= ${GIT_REQUIRED.major}.${GIT_REQUIRED.minor} (bench:ab's worktrees; README: what a machine needs)`;
  let version: string;
  try {
    version = execFileSync('git', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    throw new Error(
      `this test needs ${needed}, and git did not run: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  if (major < GIT_REQUIRED.major || (major === GIT_REQUIRED.major && minor < GIT_REQUIRED.minor)) {
    throw new Error(`this test needs ${needed}; found ${version}`);
  }
}
requireGit();

// a tiny repository of its own, so the test never touches the project's worktree list
mkdirSync(repoTmpDir(), { recursive: true });
const repo = mkdtempSync(join(repoTmpDir(), 'worktree-test-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
git('init', '-q', '-b', 'main');
writeFileSync(join(repo, 'file.txt'), 'base\n');
git('add', 'file.txt');
git('commit', '-q', '-m', 'base');
git('tag', 'v-base');
writeFileSync(join(repo, 'file.txt'), 'head\n');
git('commit', '-q', '-am', 'head');

test('adds a detached worktree of the base ref and removes it, with untracked files, without a trace', () => {
  const tree = addWorktree(repo, 'v-base', join(repo, 'tmp-ab'));
  expect(tree.commit).toBe(resolveCommit(repo, 'v-base'));
  expect(readFileSync(join(tree.dir, 'file.txt'), 'utf8')).toBe('base\n');
  expect(git('worktree', 'list')).toContain(tree.dir);
  // what an install leaves: untracked, ignored files
  mkdirSync(join(tree.dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(tree.dir, 'node_modules', 'x', 'index.js'), '');
  tree.remove();
  tree.remove(); // twice is harmless (finally + signal handler)
  expect(existsSync(tree.dir)).toBe(false);
  expect(git('worktree', 'list')).not.toContain(tree.dir);
  expect(readFileSync(join(repo, 'file.txt'), 'utf8')).toBe('head\n');
});

test('a worktree deleted behind git’s back is still pruned', () => {
  const tree = addWorktree(repo, 'HEAD~1', join(repo, 'tmp-ab'));
  rmSync(tree.dir, { recursive: true, force: true });
  tree.remove();
  expect(git('worktree', 'list')).not.toContain(tree.dir);
});

test('an unknown ref fails with what to do', () => {
  expect(() => resolveCommit(repo, 'no-such-branch')).toThrow(/cannot resolve "no-such-branch".*git fetch/);
});
