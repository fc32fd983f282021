/**
 * Per-file databases for tests and benches: a clone of the run's migrated template, dropped when the
 * file is done. `useTestDatabase()` wires it into a test file's beforeAll/afterAll.
 */
import { basename } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import './providedContext.ts';
import { withDatabase } from './databaseServer.ts';
import { cloneName, cloneTemplate, dropDatabase } from './runDatabases.ts';

export interface TestDatabase {
  name: string;
  connectionString: string;
  drop(): Promise<void>;
}

/** Clones the template into a new database named after `label`. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const { adminUrl, runId, templateDatabase } = inject('tasker');
  const name = cloneName(runId, label);
  await cloneTemplate(adminUrl, templateDatabase, name);
  let dropped = false;
  return {
    name,
    connectionString: withDatabase(adminUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(adminUrl, name);
    },
  };
}

export interface TestDatabaseHandle {
  readonly name: string;
  readonly connectionString: string;
  /** A pool on the file's database (max 10 connections), closed before the database is dropped. */
  readonly pool: pg.Pool;
}

/**
 * Registers hooks that give the calling test file its own database. Access the handle's members
 * only inside tests and hooks.
 */
export function useTestDatabase(label?: string): TestDatabaseHandle {
  let database: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label ?? basename(expect.getState().testPath ?? 'test', '.ts'));
    pool = new pg.Pool({ connectionString: database.connectionString, max: 10 });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`useTestDatabase: ${what} is only available inside tests and hooks`);
    return value;
  };
  return {
    get name() {
      return ready(database, 'the database').name;
    },
    get connectionString() {
      return ready(database, 'the database').connectionString;
    },
    get pool() {
      return ready(pool, 'the pool');
    },
  };
}
