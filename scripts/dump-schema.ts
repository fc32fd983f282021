/**
 * `pnpm schema:dump` — writes packages/shared/sql/schema.sql: the schema of a freshly migrated tasker
 * database (PGMQ, then the migrations, as the harness and the services prepare one), dumped from the
 * catalog by bench-kit's dumpSchema (normalized and sorted, so it is identical between runs) with
 * tasker's options (packages/shared/src/testing/taskerSchemaDump.ts).
 *
 * `node scripts/dump-schema.ts --check` — regenerates the dump into a temp file and compares it with
 * the committed one: exits 1 with a diff when they differ (a migration changed the schema and the dump
 * was not regenerated, or the dump was edited by hand). CI runs it next to typecheck and lint.
 *
 * Always on a new embedded PostgreSQL (never DATABASE_URL): the dump describes what the pinned server
 * makes of our SQL, so it does not depend on which server a developer happens to point at.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createTemplateDatabase,
  dropRunDatabases,
  dumpSchema,
  newRunId,
  repoRoot,
  startDatabaseServer,
  withClient,
  withDatabase,
} from '@tasker/bench-kit/node';
import { prepareTaskerTemplate, TASKER_SCHEMA_DUMP, TASKER_SCHEMA_DUMP_FILE } from '@tasker/shared/testing';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const committedFile = relative(repoRoot(), TASKER_SCHEMA_DUMP_FILE);

/** Migrates a new database on a new embedded server and dumps it; removes both. */
async function freshDump(): Promise<string> {
  const server = await startDatabaseServer('embedded');
  try {
    const runId = newRunId();
    try {
      const template = await createTemplateDatabase(server.adminUrl, runId, prepareTaskerTemplate);
      return await withClient(withDatabase(server.adminUrl, template.name), (client) =>
        dumpSchema(client, TASKER_SCHEMA_DUMP),
      );
    } finally {
      await dropRunDatabases(server.adminUrl, runId);
    }
  } finally {
    await server.stop();
  }
}

function readCommitted(): string | undefined {
  try {
    return readFileSync(TASKER_SCHEMA_DUMP_FILE, 'utf8');
  } catch {
    return undefined;
  }
}

/** A unified diff from diff(1) when it is there, else the first differing line. */
function describeDifference(committed: string, fresh: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-schema-'));
  try {
    const freshFile = join(dir, 'schema.sql');
    writeFileSync(freshFile, fresh);
    const result = spawnSync(
      'diff',
      [
        '-u',
        '--label',
        `${committedFile} (committed)`,
        '--label',
        'fresh dump',
        TASKER_SCHEMA_DUMP_FILE,
        freshFile,
      ],
      { encoding: 'utf8' },
    );
    if (!result.error && result.stdout) return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}:\n- ${a[at] ?? '(end of file)'}\n+ ${b[at] ?? '(end of file)'}\n`;
}

const fresh = await freshDump();
if (values.check) {
  const committed = readCommitted();
  if (committed === fresh) {
    console.log(`schema dump: ${committedFile} matches a freshly migrated database`);
  } else {
    if (committed === undefined) console.error(`schema dump: ${committedFile} is missing`);
    else process.stderr.write(describeDifference(committed, fresh));
    console.error(
      `schema dump: ${committedFile} differs from a freshly migrated database: run \`pnpm schema:dump\` and commit the result`,
    );
    process.exitCode = 1;
  }
} else {
  writeFileSync(TASKER_SCHEMA_DUMP_FILE, fresh);
  console.log(`schema dump: wrote ${committedFile} (${fresh.split('\n').length - 1} lines)`);
}
