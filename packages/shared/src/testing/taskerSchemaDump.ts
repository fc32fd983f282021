/**
 * What tasker's committed schema dump (packages/shared/sql/schema.sql) holds, for the harness's
 * dumpSchema: tasker's own schema, PGMQ's (the compatible layer or the extension), the seeded
 * transition tables, and the header. Written by `pnpm schema:dump` (scripts/dump-schema.ts), compared
 * by CI's `--check` and by db/migrate.schemaDump.test.ts.
 */
import { fileURLToPath } from 'node:url';
import type { SchemaDumpOptions } from '@tasker/bench-kit/node';

export const TASKER_SCHEMA_DUMP: SchemaDumpOptions = {
  schemas: ['pgmq', 'tasker'],
  seedTables: ['tasker.allowed_step_transitions', 'tasker.allowed_task_transitions'],
  header: [
    'Schema of a freshly migrated tasker database, dumped from the catalog by scripts/dump-schema.ts.',
    'Generated: do not edit. Regenerate with `pnpm schema:dump`; CI runs `node scripts/dump-schema.ts --check`.',
  ],
  pgmqWithoutExtension: 'compatible (tasker sql/pgmq)',
};

/** Where tasker's dump is committed. */
export const TASKER_SCHEMA_DUMP_FILE = fileURLToPath(new URL('../../sql/schema.sql', import.meta.url));
