import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { PrerequisiteError } from '../errors.ts';
import { startEmbeddedServer } from './embeddedServer.ts';
import { firstDirectoryNotEnterable } from './postgresUserAccess.ts';

describe('firstDirectoryNotEnterable', () => {
  const base = mkdtempSync(join(tmpdir(), 'tasker-access-'));
  mkdirSync(join(base, 'a', 'b'), { recursive: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('names the first existing directory on the way that may not be entered', () => {
    const refused = new Set([join(base, 'a'), join(base, 'a', 'b')]);
    expect(firstDirectoryNotEnterable(join(base, 'a', 'b'), (dir) => !refused.has(dir))).toBe(
      join(base, 'a'),
    );
  });

  test('checks the target itself, and every ancestor from the file-system root', () => {
    const asked: string[] = [];
    const target = join(base, 'a', 'b');
    expect(
      firstDirectoryNotEnterable(target, (dir) => {
        asked.push(dir);
        return dir !== target;
      }),
    ).toBe(target);
    expect(asked[0]).toBe('/');
    expect(asked).toContain(base);
  });

  test('stops at a directory that does not exist yet (the run creates it, open to all)', () => {
    const refused = join(base, 'a', 'missing', 'deeper');
    expect(firstDirectoryNotEnterable(refused, (dir) => dir !== refused)).toBeUndefined();
  });

  test('everything enterable: nothing to report', () => {
    expect(firstDirectoryNotEnterable(join(base, 'a', 'b'), () => true)).toBeUndefined();
  });
});

describe('embedded server in a directory only its owner may enter (a checkout under /root)', () => {
  const previous = process.env.TASKER_TMP_DIR;
  let closed: string | undefined;
  afterEach(() => {
    if (previous === undefined) delete process.env.TASKER_TMP_DIR;
    else process.env.TASKER_TMP_DIR = previous;
    if (closed) rmSync(closed, { recursive: true, force: true });
  });

  test('as root: fails at once, naming the directory and the fix; otherwise it simply works', async () => {
    // mkdtemp makes it mode 0700, owned by whoever runs the test
    closed = mkdtempSync(join(tmpdir(), 'tasker-closed-'));
    expect(statSync(closed).mode & 0o777).toBe(0o700);
    process.env.TASKER_TMP_DIR = join(closed, 'tmp');
    const started = performance.now();
    if (userInfo().uid === 0) {
      // PostgreSQL runs as the `postgres` OS user, which cannot enter `closed`
      const failure = await startEmbeddedServer().then(
        (server) => server.stop().then(() => undefined),
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(PrerequisiteError);
      const message = (failure as PrerequisiteError).message;
      expect(message).toContain(`cannot enter ${closed} (mode 0700`);
      expect((failure as PrerequisiteError).hint).toContain('TASKER_TMP_DIR=/tmp/');
      expect((failure as PrerequisiteError).hint).toContain(`chmod o+x ${closed}`);
      expect(performance.now() - started).toBeLessThan(5_000);
      // it failed before creating anything
      expect(readdirSync(closed)).toEqual([]);
    } else {
      // the server runs as this user, who owns the directory
      const server = await startEmbeddedServer();
      await server.stop();
      expect(existsSync(join(closed, 'tmp', 'embedded-pg'))).toBe(true);
      expect(readdirSync(join(closed, 'tmp', 'embedded-pg'))).toEqual([]);
    }
  }, 60_000);
});
