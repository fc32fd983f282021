/**
 * Installs pgflow 0.8's SQL into a tasker database, and the peer's flows. pgflow ships its schema as
 * Supabase migrations inside @pgflow/core (dist/supabase/migrations, 12 files in 0.8.1); they run
 * here unmodified but for two documented changes, and only where they are needed:
 *
 * 1. Supabase's `realtime.send(payload, event, topic, private)` (pgflow broadcasts run and step
 *    events through it, and its SQL functions are checked against it when created) gets a no-op
 *    stand-in in schema `realtime`, created before the migrations and only when the database has no
 *    realtime.send of its own. Nothing here subscribes to those broadcasts.
 * 2. The first migration's `CREATE EXTENSION IF NOT EXISTS "pgmq"` is left out where tasker's
 *    PGMQ-compatible layer already provides schema `pgmq` (a server with the extension keeps it: it
 *    is a no-op there). Every pgmq.* function pgflow calls is the layer's, with PGMQ 1.5's behaviour.
 *
 * Everything is applied in one transaction under an advisory lock; a database that already has
 * pgflow.flows is left as it is.
 */
import { readdir, readFile } from 'node:fs/promises';
import { detectPgmqFlavor } from '@tasker/shared';
import pg from 'pg';

/** The statement of the first migration that the compatible layer makes unnecessary. */
const CREATE_PGMQ_EXTENSION = 'CREATE EXTENSION IF NOT EXISTS "pgmq" WITH SCHEMA "pgmq";';

/** Serialises concurrent installers on one database (an arbitrary constant key). */
const INSTALL_LOCK_KEY = 7_106_823_377;

const REALTIME_STAND_IN = `
create schema if not exists realtime;
do $stand_in$
begin
  if to_regprocedure('realtime.send(jsonb, text, text, boolean)') is null then
    create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
    returns void language sql as 'select';
    comment on function realtime.send(jsonb, text, text, boolean) is
      'No-op stand-in for Supabase Realtime''s broadcast (tasker e2e pgflow peer): pgflow calls it, nothing listens.';
  end if;
end
$stand_in$;`;

/** A flow: its slug (also its pgmq queue) and its steps in order, each with the steps it depends on. */
export interface FlowShape {
  readonly slug: string;
  readonly steps: readonly (readonly [step: string, dependsOn: readonly string[]])[];
}

export interface PgflowInstallation {
  /** pgflow's migrations applied now (0 when the database already had pgflow) */
  readonly migrationsApplied: number;
  /** whether the first migration's CREATE EXTENSION pgmq was left out (compatible layer) */
  readonly pgmqExtensionStatementSkipped: boolean;
  /** pgflow's version, from @pgflow/core's package.json */
  readonly version: string;
}

/** @pgflow/core's directory (its package.json is exported). */
function packageDirectory(): URL {
  return new URL('./', import.meta.resolve('@pgflow/core/package.json'));
}

/** The migrations in apply order, the first one without its CREATE EXTENSION pgmq when asked. */
async function migrations(skipPgmqExtension: boolean): Promise<string[]> {
  const dir = new URL('dist/supabase/migrations/', packageDirectory());
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  if (names.length === 0) throw new Error(`pgflow: no migrations in ${dir.pathname}`);
  const texts = await Promise.all(names.map((name) => readFile(new URL(name, dir), 'utf8')));
  if (skipPgmqExtension) {
    const first = texts[0] ?? '';
    if (first.split(CREATE_PGMQ_EXTENSION).length !== 2) {
      throw new Error(
        `pgflow: ${names[0]} no longer contains ${CREATE_PGMQ_EXTENSION} exactly once; review the installation changes`,
      );
    }
    texts[0] = first.replace(
      CREATE_PGMQ_EXTENSION,
      '-- (left out: schema pgmq is tasker’s PGMQ-compatible layer)',
    );
  }
  return texts;
}

/** Creates a flow with pgflow's own functions (what its DSL's compiled SQL calls). */
async function createFlow(client: pg.ClientBase, flow: FlowShape): Promise<void> {
  await client.query('select pgflow.create_flow($1)', [flow.slug]);
  for (const [step, dependsOn] of flow.steps) {
    await client.query('select pgflow.add_step($1, $2, $3::text[])', [flow.slug, step, dependsOn]);
  }
}

/** Installs pgflow (unless present) and creates the flows it does not have yet. */
export async function installPgflow(
  connectionString: string,
  flows: readonly FlowShape[],
): Promise<PgflowInstallation> {
  const { version } = JSON.parse(await readFile(new URL('package.json', packageDirectory()), 'utf8')) as {
    version: string;
  };
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [INSTALL_LOCK_KEY]);
    const flavor = await detectPgmqFlavor(client);
    if (flavor === null)
      throw new Error('pgflow needs PGMQ: install it first (installPgmq from @tasker/shared)');
    const { rows } = await client.query<{ installed: boolean }>(
      `select to_regclass('pgflow.flows') is not null as installed`,
    );
    const skip = flavor === 'compatible';
    let applied = 0;
    if (!rows[0]?.installed) {
      await client.query(REALTIME_STAND_IN);
      for (const text of await migrations(skip)) {
        await client.query(text);
        applied++;
      }
    }
    const existing = await client.query<{ flow_slug: string }>('select flow_slug from pgflow.flows');
    const have = new Set(existing.rows.map((row) => row.flow_slug));
    for (const flow of flows) if (!have.has(flow.slug)) await createFlow(client, flow);
    await client.query('commit');
    return { migrationsApplied: applied, pgmqExtensionStatementSkipped: skip && applied > 0, version };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
