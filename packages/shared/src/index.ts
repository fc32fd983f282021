/** @tasker/shared: schema, SQL functions, state machines and PGMQ messaging of the tasker core. */
export {
  defaultMigrationsDir,
  loadMigrations,
  type MigrateResult,
  type Migration,
  migrate,
} from './db/migrate.ts';
export { type PreparedDatabase, prepareDatabase } from './db/prepareDatabase.ts';
export { MigrationError, TaskerError } from './errors.ts';
export { detectPgmqFlavor, installPgmq, type PgmqFlavor } from './queue/installPgmq.ts';
