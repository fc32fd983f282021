/**
 * Applies the numbered SQL migrations of `sql/migrations` to a database: the baseline
 * `000001_baseline/` (a directory: its `NN_concept.sql` files, concatenated in name order, are one
 * migration), then each later `NNNNNN_name.sql` file.
 *
 * Each migration runs in its own transaction and is recorded in `tasker.schema_migrations` with a
 * checksum (of the text applied: a directory's concatenation), so an edited, already-applied
 * migration is reported instead of silently skipped. A session-level advisory lock makes two
 * processes that migrate at once take turns.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { MigrationError } from '../errors.ts';

export const defaultMigrationsDir = fileURLToPath(new URL('../../sql/migrations/', import.meta.url));

/** Arbitrary constant shared by every process that migrates a tasker database. */
const MIGRATION_LOCK_KEY = 7_382_114_905;

/** A migration: a file `NNNNNN_name.sql`, or a directory `NNNNNN_name` of `NN_part.sql` files. */
const MIGRATION_ENTRY = /^(\d{6})_([a-z0-9_]+)(\.sql)?$/;
const MIGRATION_PART = /^\d+_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** `dir`: a path or a file: URL (a URL is converted with fileURLToPath, escapes and all). */
export async function loadMigrations(dir: string | URL = defaultMigrationsDir): Promise<Migration[]> {
  if (dir instanceof URL) dir = fileURLToPath(dir);
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() || entry.name.endsWith('.sql'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const migrations: Migration[] = [];
  for (const entry of entries) {
    const file = entry.name;
    const match = MIGRATION_ENTRY.exec(file);
    if (!match?.[1] || !match[2] || entry.isDirectory() === Boolean(match[3])) {
      throw new MigrationError(
        `migration ${file} in ${dir} is not named NNNNNN_name.sql (a file) or NNNNNN_name (a directory of NN_part.sql files)`,
      );
    }
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous && previous.version === version) {
      throw new MigrationError(`two migrations share version ${version}: ${previous.name} and ${match[2]}`);
    }
    // a file-system path, never a hand-built file:// URL (a '#' or '%' in the checkout's path would
    // be read as a fragment or an escape)
    const sql = entry.isDirectory()
      ? await readMigrationDirectory(join(dir, file))
      : await readFile(join(dir, file), 'utf8');
    migrations.push({
      version,
      name: match[2],
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

/** A directory migration's text: its parts in name order, each ending in a newline. */
async function readMigrationDirectory(dir: string): Promise<string> {
  const names = (await readdir(dir)).sort();
  const misnamed = names.filter((name) => !MIGRATION_PART.test(name));
  if (misnamed.length > 0) {
    throw new MigrationError(
      `migration directory ${dir} holds ${misnamed.join(', ')}: only NN_part.sql files belong there`,
    );
  }
  if (names.length === 0) throw new MigrationError(`migration directory ${dir} is empty`);
  const parts = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
  return parts.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join('');
}

export async function migrate(
  client: pg.ClientBase,
  dir: string | URL = defaultMigrationsDir,
): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(`
      create schema if not exists tasker;
      create table if not exists tasker.schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'select version, name, checksum from tasker.schema_migrations order by version',
    );
    const recorded = new Map(rows.map((row) => [row.version, row]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = recorded.get(migration.version);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.version}_${migration.name} changed after it was applied; ` +
              'released migrations are never edited: add a new numbered migration instead',
          );
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query(
          'insert into tasker.schema_migrations (version, name, checksum) values ($1, $2, $3)',
          [migration.version, migration.name, migration.checksum],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new MigrationError(
          `migration ${migration.version}_${migration.name} failed: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
      applied.push(`${String(migration.version).padStart(6, '0')}_${migration.name}`);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
