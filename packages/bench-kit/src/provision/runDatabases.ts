/**
 * Names and lifecycle of the databases one run creates on a server: a template (`tasker_<run>_tpl`)
 * prepared by the callback the run is given (the harness knows nothing of what goes into it) and
 * per-file clones (`tasker_<run>_<label>_<random>`). Teardown drops every database of the run, so a
 * run against a user's server leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from './databaseServer.ts';

const POSTGRES_NAME_LIMIT = 63;

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

export function templateName(runId: string): string {
  return `tasker_${runId}_tpl`;
}

export function cloneName(runId: string, label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const suffix = randomBytes(3).toString('hex');
  const room = POSTGRES_NAME_LIMIT - `tasker_${runId}__${suffix}`.length;
  return `tasker_${runId}_${slug.slice(0, Math.max(0, room))}_${suffix}`;
}

/**
 * The label part of a database name of the run (`tasker_<run>_<label>_<suffix>` → `<label>`, the
 * slug cloneName made), `tpl` for the template; a name from another run is returned whole.
 */
export function cloneLabel(runId: string, name: string): string {
  const prefix = `tasker_${runId}_`;
  if (!name.startsWith(prefix)) return name;
  const rest = name.slice(prefix.length);
  return rest === 'tpl' ? rest : rest.replace(/_[0-9a-f]{6}$/, '');
}

/** Which PGMQ a template has: the extension, or a compatible SQL layer installed by the template's preparation. */
export type PgmqFlavor = 'extension' | 'compatible';

/** What a template's preparation tells the run, for the prerequisites banner and every stored result. */
export interface PreparedTemplate {
  /** which PGMQ the template has; absent when the template has none (no PGMQ line in the banner) */
  pgmq?: PgmqFlavor;
}

/**
 * Makes the (empty, freshly created) template database ready: schema, extensions, migrations —
 * whatever every test and bench file of the run needs in its clone. Given by the caller of the
 * harness (tasker's: packages/shared/src/testing/prepareTaskerTemplate.ts).
 */
export type PrepareTemplate = (client: pg.Client) => Promise<PreparedTemplate>;

export interface TemplateInfo {
  name: string;
  serverVersion: string;
  pgmq: PgmqFlavor | undefined;
  settings: Record<string, string>;
}

/** Settings recorded with every report, because they change what the numbers mean. */
const RECORDED_SETTINGS = [
  'server_version',
  'max_connections',
  'shared_buffers',
  'work_mem',
  'synchronous_commit',
  'fsync',
  'wal_level',
  'effective_cache_size',
  'random_page_cost',
];

export async function createTemplateDatabase(
  adminUrl: string,
  runId: string,
  prepareTemplate: PrepareTemplate,
): Promise<TemplateInfo> {
  const name = templateName(runId);
  await withClient(adminUrl, (admin) => admin.query(`create database ${pg.escapeIdentifier(name)}`));
  return withClient(withDatabase(adminUrl, name), async (client) => {
    const prepared = await prepareTemplate(client);
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'select name, setting, unit from pg_settings where name = any($1)',
      [RECORDED_SETTINGS],
    );
    const settings = Object.fromEntries(
      rows.map((row) => [row.name, row.unit ? `${row.setting} ${row.unit}` : row.setting]),
    );
    return { name, serverVersion: settings.server_version ?? 'unknown', pgmq: prepared.pgmq, settings };
  });
}

export async function cloneTemplate(adminUrl: string, template: string, name: string): Promise<void> {
  await withClient(adminUrl, (admin) =>
    admin.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`),
  );
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (admin) =>
    admin.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`),
  );
}

/** Drops every database of the run; returns their names. */
export async function dropRunDatabases(adminUrl: string, runId: string): Promise<string[]> {
  return withClient(adminUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where starts_with(datname, $1)`,
      [`tasker_${runId}_`],
    );
    for (const row of rows)
      await admin.query(`drop database if exists ${pg.escapeIdentifier(row.datname)} with (force)`);
    return rows.map((row) => row.datname);
  });
}

export async function withClient<T>(
  connectionString: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
