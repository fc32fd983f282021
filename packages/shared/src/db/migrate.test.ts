/**
 * The migration runner on a real database: order, records, idempotence, edited-migration detection,
 * rollback of a failing migration, two concurrent runners applying each migration once, and a
 * directory migration (the baseline's form: its part files concatenated in name order).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useTestDatabase } from '@tasker/bench-kit';
import type pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { MigrationError } from '../errors.ts';
import { defaultMigrationsDir, loadMigrations, migrate } from './migrate.ts';

const db = useTestDatabase();
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await db.pool.query('drop schema if exists mig_test cascade');
  await db.pool.query('delete from tasker.schema_migrations where version >= 900000');
});

/** `prefix`: the temp directory's name before mkdtemp's random suffix. */
/** `files`: a name → its SQL, or a directory name → its part files. */
function migrationsDir(
  files: Record<string, string | Record<string, string>>,
  prefix = 'tasker-migrations-',
): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') {
      writeFileSync(join(dir, name), content);
      continue;
    }
    mkdirSync(join(dir, name));
    for (const [part, sql] of Object.entries(content)) writeFileSync(join(dir, name, part), sql);
  }
  return dir;
}

async function withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

const BASE = {
  '900001_create.sql': 'create schema mig_test; create table mig_test.items (id int primary key);',
  '900002_fill.sql': 'insert into mig_test.items values (1), (2);',
};

describe('migrate', () => {
  test('applies the files in order, records them, and applies nothing the second time', async () => {
    const dir = migrationsDir(BASE);
    const first = await withClient((client) => migrate(client, dir));
    expect(first.applied).toEqual(['900001_create', '900002_fill']);
    const second = await withClient((client) => migrate(client, dir));
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(2);
    const { rows } = await db.pool.query('select count(*)::int as n from mig_test.items');
    expect(rows[0].n).toBe(2);
    const recorded = await db.pool.query(
      'select version, name from tasker.schema_migrations where version >= 900000 order by version',
    );
    expect(recorded.rows).toEqual([
      { version: 900001, name: 'create' },
      { version: 900002, name: 'fill' },
    ]);
  });

  test('an applied migration that was edited is reported, not skipped', async () => {
    const dir = migrationsDir(BASE);
    await withClient((client) => migrate(client, dir));
    writeFileSync(join(dir, '900002_fill.sql'), 'insert into mig_test.items values (3);');
    await expect(withClient((client) => migrate(client, dir))).rejects.toThrow(
      /900002_fill changed after it was applied/,
    );
  });

  test('a failing migration is rolled back and not recorded; earlier ones stay', async () => {
    const dir = migrationsDir({
      ...BASE,
      '900003_broken.sql': 'insert into mig_test.items values (9); select no_such_function();',
    });
    const error = await withClient((client) => migrate(client, dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/900003_broken failed/);
    const { rows } = await db.pool.query('select array_agg(id order by id) as ids from mig_test.items');
    expect(rows[0].ids).toEqual([1, 2]);
    const recorded = await db.pool.query(
      'select count(*)::int as n from tasker.schema_migrations where version = 900003',
    );
    expect(recorded.rows[0].n).toBe(0);
  });

  test('two runners at once take turns: each migration is applied exactly once', async () => {
    const dir = migrationsDir({
      ...BASE,
      // slow enough that the second runner arrives while the first holds the lock
      '900003_slow.sql': 'select pg_sleep(0.3); insert into mig_test.items values (3);',
    });
    const [a, b] = await Promise.all([
      withClient((client) => migrate(client, dir)),
      withClient((client) => migrate(client, dir)),
    ]);
    expect([...a.applied, ...b.applied].sort()).toEqual(['900001_create', '900002_fill', '900003_slow']);
    const { rows } = await db.pool.query('select count(*)::int as n from mig_test.items');
    expect(rows[0].n).toBe(3);
  });

  // a checkout under such a path: a hand-built file:// URL reads '#' as a fragment and '%41' as 'A'
  const AWKWARD_PREFIX = 'tasker #1 100%41 migrations-';

  test("a directory whose path holds '#' and '%' migrates, as a path or as a file: URL", async () => {
    const dir = migrationsDir(BASE, AWKWARD_PREFIX);
    expect(dir).toMatch(/#1 100%41/);
    const first = await withClient((client) => migrate(client, dir));
    expect(first.applied).toEqual(['900001_create', '900002_fill']);
    const again = await withClient((client) => migrate(client, pathToFileURL(dir)));
    expect(again).toEqual({ applied: [], alreadyApplied: 2 });
  });

  test("the real migrations copied under a '#'/'%' path load with the same checksums", async () => {
    const dir = migrationsDir({}, AWKWARD_PREFIX);
    cpSync(defaultMigrationsDir, dir, { recursive: true });
    const copied = await loadMigrations(dir);
    const original = await loadMigrations();
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.map(({ version, checksum }) => ({ version, checksum }))).toEqual(
      original.map(({ version, checksum }) => ({ version, checksum })),
    );
    // the test database was migrated from the checkout: the copy is recognised as already applied
    const result = await withClient((client) => migrate(client, dir));
    expect(result).toEqual({ applied: [], alreadyApplied: original.length });
  });

  test('files not named NNNNNN_name.sql are refused', async () => {
    const dir = migrationsDir({ '1_bad.sql': 'select 1;' });
    await expect(loadMigrations(dir)).rejects.toThrow(/not named NNNNNN_name.sql/);
  });

  // the parts end without a newline in a comment: joined blindly, the next part's first statement
  // would be commented out
  const DIRECTORY = {
    '900001_base': {
      '02_fill.sql': 'insert into mig_test.items values (1), (2); -- two rows',
      '01_create.sql': 'create schema mig_test; create table mig_test.items (id int primary key); -- a table',
      '10_more.sql': 'insert into mig_test.items values (10);',
    },
    '900002_later.sql': 'insert into mig_test.items values (3);',
  };

  test('a directory is one migration: its parts in name order, each ended by a newline, under one checksum', async () => {
    const dir = migrationsDir(DIRECTORY);
    const [base, later] = await loadMigrations(dir);
    expect(base?.name).toBe('base');
    expect(base?.sql).toBe(
      'create schema mig_test; create table mig_test.items (id int primary key); -- a table\n' +
        'insert into mig_test.items values (1), (2); -- two rows\n' +
        'insert into mig_test.items values (10);\n',
    );
    expect(later?.version).toBe(900002);
    const result = await withClient((client) => migrate(client, dir));
    expect(result.applied).toEqual(['900001_base', '900002_later']);
    const { rows } = await db.pool.query('select array_agg(id order by id) as ids from mig_test.items');
    expect(rows[0].ids).toEqual([1, 2, 3, 10]);

    writeFileSync(join(dir, '900001_base', '10_more.sql'), 'insert into mig_test.items values (11);');
    await expect(withClient((client) => migrate(client, dir))).rejects.toThrow(
      /900001_base changed after it was applied/,
    );
  });

  test('a directory holding anything but NN_part.sql files, or a directory named like a file, is refused', async () => {
    const stray = migrationsDir({ '900001_base': { '01_create.sql': 'select 1;', 'notes.txt': 'x' } });
    await expect(loadMigrations(stray)).rejects.toThrow(/holds notes.txt/);
    const misnamed = migrationsDir({ '900001_base.sql': { '01_create.sql': 'select 1;' } });
    await expect(loadMigrations(misnamed)).rejects.toThrow(/is not named NNNNNN_name.sql/);
  });

  test("the checkout's first migration is the baseline directory", async () => {
    const [baseline] = await loadMigrations();
    expect(baseline).toMatchObject({ version: 1, name: 'baseline' });
    expect(baseline?.sql).toMatch(/^-- tasker's tables and indexes/);
  });
});
