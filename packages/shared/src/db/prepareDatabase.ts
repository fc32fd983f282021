/**
 * Makes a database ready for tasker: PGMQ (the real extension where the server has it, else our
 * compatible layer), then the tasker migrations. Run once on a template database by the harness, or
 * at service start against a user's server.
 */
import type pg from 'pg';
import { installPgmq, type PgmqFlavor } from '../queue/installPgmq.ts';
import { type MigrateResult, migrate } from './migrate.ts';

export interface PreparedDatabase {
  pgmq: PgmqFlavor;
  migrations: MigrateResult;
}

export async function prepareDatabase(client: pg.ClientBase): Promise<PreparedDatabase> {
  const pgmq = await installPgmq(client);
  const migrations = await migrate(client);
  return { pgmq, migrations };
}
