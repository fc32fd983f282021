/**
 * Installs PGMQ into a database: the real `pgmq` extension where the server offers it, otherwise
 * tasker's PGMQ-compatible SQL layer (packages/shared/sql/pgmq, same names and semantics).
 */
import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

/** Which PGMQ a database has: the C/SQL extension, or tasker's compatible SQL layer. */
export type PgmqFlavor = 'extension' | 'compatible';

/** The compatible layer's SQL files, applied in file-name order (01_schema.sql, 02_queues.sql, …). */
const COMPATIBLE_SQL_DIR = new URL('../../sql/pgmq/', import.meta.url);
const SQL_FILE = /^\d+_[a-z0-9_]+\.sql$/;

/** Serialises concurrent installers on one database (an arbitrary constant key). */
const INSTALL_LOCK_KEY = 7_106_823_311;

/** Says which PGMQ the database has installed, or null when it has none. */
export async function detectPgmqFlavor(client: pg.ClientBase): Promise<PgmqFlavor | null> {
  const { rows } = await client.query<{ extension: boolean; compatible: boolean }>(
    `select exists (select 1 from pg_extension where extname = 'pgmq') as extension,
            exists (select 1 from pg_proc
                    where pronamespace = to_regnamespace('pgmq') and proname = '_claim') as compatible`,
  );
  const row = rows[0];
  if (row?.extension) return 'extension';
  if (row?.compatible) return 'compatible';
  return null;
}

/**
 * Installs PGMQ and says which flavour the database now has. An installed flavour is kept (the
 * compatible layer is re-applied, which is idempotent, so an older copy is brought up to date);
 * otherwise the extension is created when the server offers it, else the compatible layer is applied.
 *
 * Everything is sent as one multi-statement simple query: PostgreSQL runs that as a single
 * transaction of its own, or as part of the caller's transaction when one is open, so a failure
 * leaves nothing half-installed and this never commits a transaction it did not begin.
 */
export async function installPgmq(client: pg.ClientBase): Promise<PgmqFlavor> {
  const lock = `select pg_advisory_xact_lock(${INSTALL_LOCK_KEY});`;
  const installed = await detectPgmqFlavor(client);
  if (installed === 'extension') return 'extension';
  if (installed === null && (await extensionAvailable(client))) {
    await client.query(`${lock}\ncreate extension if not exists pgmq;`);
    return 'extension';
  }
  await client.query([lock, ...(await readCompatibleSql())].join('\n'));
  return 'compatible';
}

async function extensionAvailable(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ available: boolean }>(
    `select exists (select 1 from pg_available_extensions where name = 'pgmq') as available`,
  );
  return rows[0]?.available === true;
}

/** The compatible layer's files, in apply order. */
async function readCompatibleSql(): Promise<string[]> {
  const names = (await readdir(COMPATIBLE_SQL_DIR)).filter((name) => SQL_FILE.test(name)).sort();
  if (names.length === 0) throw new Error(`installPgmq: no SQL files in ${COMPATIBLE_SQL_DIR.pathname}`);
  return Promise.all(names.map((name) => readFile(new URL(name, COMPATIBLE_SQL_DIR), 'utf8')));
}
