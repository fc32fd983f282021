/**
 * A detached git worktree of another ref, for `bench:ab`'s base side. Lifecycle:
 *
 *   addWorktree      resolves the ref to a commit, `git worktree add --detach <dir> <commit>`
 *   remove()         `git worktree remove --force` (it holds node_modules, which are untracked),
 *                    then deletes whatever is left and prunes the worktree list; safe to call twice
 *
 * The caller removes it in a `finally` and on SIGINT/SIGTERM (`onInterrupt`), so a failed or
 * interrupted run leaves neither the directory nor an entry in `git worktree list`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Worktree {
  dir: string;
  ref: string;
  commit: string;
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function resolveCommit(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  } catch (error) {
    throw new Error(
      `git cannot resolve "${ref}" to a commit in ${repo} (fetch it first, e.g. git fetch origin main)`,
      {
        cause: error,
      },
    );
  }
}

export function addWorktree(repo: string, ref: string, parentDir: string): Worktree {
  const commit = resolveCommit(repo, ref);
  mkdirSync(parentDir, { recursive: true });
  const dir = join(parentDir, `base-${commit.slice(0, 12)}-${process.pid}`);
  git(repo, ['worktree', 'add', '--detach', dir, commit]);
  let removed = false;
  return {
    dir,
    ref,
    commit,
    remove() {
      if (removed) return;
      removed = true;
      try {
        git(repo, ['worktree', 'remove', '--force', dir]);
      } catch {
        // fall through: delete it by hand and prune the stale entry
      }
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
      try {
        git(repo, ['worktree', 'prune']);
      } catch {
        // nothing left to prune
      }
    },
  };
}

/** Runs `cleanup` once on SIGINT/SIGTERM, then exits 130/143; returns a function that unregisters it. */
export function onInterrupt(cleanup: () => void | Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    void Promise.resolve()
      .then(cleanup)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
