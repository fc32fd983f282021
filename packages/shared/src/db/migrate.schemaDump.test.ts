/**
 * Migrating a fresh database gives the committed schema dump (packages/shared/sql/schema.sql), so a
 * migration that changes the schema without `pnpm schema:dump` fails here as well as in CI's
 * `node scripts/dump-schema.ts --check`. The harness's template is migrated exactly as the script
 * migrates its database (prepareDatabase: PGMQ, then the migrations), and each file's database is a
 * clone of it.
 */
import { readFileSync } from 'node:fs';
import { dumpSchema, useTestDatabase } from '@tasker/bench-kit';
import { TASKER_SCHEMA_DUMP, TASKER_SCHEMA_DUMP_FILE } from '@tasker/shared/testing';
import { expect, inject, test } from 'vitest';

const db = useTestDatabase();

/** The server the committed dump was made on, from its header line "-- PostgreSQL 18; pgmq: …". */
function committedServer(dump: string): { major: number; pgmq: 'extension' | 'compatible' } | undefined {
  const match = /^-- PostgreSQL (\d+); pgmq: (compatible|the pgmq extension)/m.exec(dump);
  if (!match?.[1]) return undefined;
  return { major: Number(match[1]), pgmq: match[2] === 'compatible' ? 'compatible' : 'extension' };
}

test('a freshly migrated database dumps exactly as the committed schema.sql (run `pnpm schema:dump` after a schema change)', async (context) => {
  const committed = readFileSync(TASKER_SCHEMA_DUMP_FILE, 'utf8');
  const made = committedServer(committed);
  expect(made, 'schema.sql has no "-- PostgreSQL N; pgmq: …" header line').toBeDefined();
  const { serverVersion, pgmq } = inject('tasker');
  const major = Number.parseInt(serverVersion, 10);
  // the dump is what one server makes of our SQL (uuid_v7 differs before 18; the pgmq extension has
  // its own functions): against another server this comparison would only report the server
  if (made && (made.major !== major || made.pgmq !== pgmq)) {
    context.skip(
      `schema.sql was dumped on PostgreSQL ${made.major} with pgmq ${made.pgmq}; this run has ${major} with ${pgmq} (the embedded server of TASKER_DB=embedded matches)`,
    );
  }
  const client = await db.pool.connect();
  try {
    expect(await dumpSchema(client, TASKER_SCHEMA_DUMP)).toBe(committed);
  } finally {
    client.release();
  }
});
