/**
 * A normalized, deterministic text dump of database schemas built from the catalog (the embedded
 * PostgreSQL ships no pg_dump): per schema its types, tables (columns, defaults, constraints),
 * sequences, views, indexes (pg_get_indexdef), triggers, functions (pg_get_functiondef), comments and
 * the rows of the tables named as seed data. Everything is sorted by name (code-point order, not the
 * server's collation), names are schema-qualified, and nothing volatile is written: no OIDs, owners,
 * sequence positions or timestamps. Two dumps of equal schemas are equal byte for byte, so a committed
 * dump diffed against a fresh one shows every schema change (as graphile-worker keeps its schema in a
 * committed dump). Which schemas, seed tables and header are the caller's (tasker's:
 * packages/shared/src/testing/taskerSchemaDump.ts).
 *
 * The dump describes, it is not meant to be replayed: tables are written as CREATE TABLE with their
 * constraints inline, comments as COMMENT ON statements named by pg_identify_object.
 */
import type pg from 'pg';

export interface SchemaDumpOptions {
  /** The schemas to dump. */
  schemas: readonly string[];
  /** Tables (schema-qualified) whose rows are part of the schema, e.g. seeded lookup tables. */
  seedTables: readonly string[];
  /** The comment lines the dump opens with (each written as `-- <line>`), before the server's line. */
  header?: readonly string[];
  /** How the server's line (`-- PostgreSQL 18; pgmq: …`) names PGMQ where the pgmq extension is not
   *  installed (default "no pgmq extension"). */
  pgmqWithoutExtension?: string;
}

/** An object the dump does not know how to describe: extend the dump rather than leave it out. */
export class SchemaDumpError extends Error {
  readonly code = 'TASKER_SCHEMA_DUMP';
  constructor(message: string) {
    super(`${message}\n  → describe this kind of object in packages/bench-kit/src/schema/dumpSchema.ts`);
    this.name = 'SchemaDumpError';
  }
}

/**
 * Session settings that change how the catalog functions print: an empty search_path qualifies
 * every name outside pg_catalog; the others fix how deparsed constants (timestamps in SQL-standard
 * function bodies, intervals, floats) are written, whatever the server's defaults.
 */
const DUMP_SETTINGS = {
  search_path: '',
  timezone: 'UTC',
  datestyle: 'ISO, MDY',
  intervalstyle: 'postgres',
  extra_float_digits: '1',
} as const;

/** Code-point order, independent of the server's and the process's locale. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedBy<T>(rows: T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => byText(key(a), key(b)));
}

/**
 * Dumps `options.schemas` of the database `client` is connected to. Runs in a transaction of its own
 * (rolled back), so the caller's session settings are untouched. Throws SchemaDumpError for an object
 * kind it cannot describe.
 */
export async function dumpSchema(client: pg.ClientBase, options: SchemaDumpOptions): Promise<string> {
  await client.query('begin read only');
  try {
    for (const [name, value] of Object.entries(DUMP_SETTINGS)) {
      await client.query('select set_config($1, $2, true)', [name, value]);
    }
    const header = await dumpHeader(client, options);
    const sections = [header];
    for (const schema of sortedBy([...options.schemas], (s) => s)) {
      sections.push(await dumpOneSchema(client, schema, options.seedTables));
    }
    return `${sections.join('\n\n')}\n`;
  } finally {
    await client.query('rollback');
  }
}

async function dumpHeader(client: pg.ClientBase, options: SchemaDumpOptions): Promise<string> {
  const { rows } = await client.query<{ major: number; pgmq: string | null }>(
    `select current_setting('server_version_num')::int / 10000 as major,
            (select extversion from pg_extension where extname = 'pgmq') as pgmq`,
  );
  const row = rows[0];
  const pgmq = row?.pgmq
    ? `the pgmq extension ${row.pgmq}`
    : (options.pgmqWithoutExtension ?? 'no pgmq extension');
  return [
    ...(options.header ?? []).map((line) => `-- ${line}`),
    `-- PostgreSQL ${row?.major ?? '?'}; pgmq: ${pgmq}`,
  ].join('\n');
}

async function dumpOneSchema(
  client: pg.ClientBase,
  schema: string,
  seedTables: readonly string[],
): Promise<string> {
  const { rows: found } = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
  if (found.length === 0) return `-- schema ${schema}: absent`;
  await assertKnownKinds(client, schema);
  const parts = [
    `-- ==================== schema ${schema} ====================\n\nCREATE SCHEMA ${quoteIdent(schema)};`,
    ...(await dumpTypes(client, schema)),
    ...(await dumpSequences(client, schema)),
    ...(await dumpTables(client, schema)),
    ...(await dumpViews(client, schema)),
    ...(await dumpIndexes(client, schema)),
    ...(await dumpTriggers(client, schema)),
    ...(await dumpFunctions(client, schema)),
    ...(await dumpComments(client, schema)),
    ...(await dumpSeedRows(client, schema, seedTables)),
  ];
  return parts.join('\n\n');
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** Refuses relation, type and routine kinds that the sections below do not describe. */
async function assertKnownKinds(client: pg.ClientBase, schema: string): Promise<void> {
  const { rows } = await client.query<{ what: string }>(
    `select format('relation %s.%s (relkind %s)', n.nspname, c.relname, c.relkind) as what
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and (c.relkind not in ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'c') or c.relispartition)
     union all
     select format('type %s.%s (typtype %s)', n.nspname, t.typname, t.typtype)
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typtype not in ('c', 'e', 'd')
        -- the array type of each type comes with it
        and not exists (select from pg_type e where e.typarray = t.oid)
        -- a multirange is created with its range: the range type is what gets refused
        and t.typtype <> 'm'
     union all
     select format('routine %s.%s (prokind %s)', n.nspname, p.proname, p.prokind)
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = $1 and p.prokind not in ('f', 'p')
     union all
     select format('policy %s on %s.%s', pol.polname, n.nspname, c.relname)
       from pg_policy pol join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1
     union all
     select format('rule %s on %s.%s', r.rulename, n.nspname, c.relname)
       from pg_rewrite r join pg_class c on c.oid = r.ev_class join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and r.rulename <> '_RETURN'`,
    [schema],
  );
  if (rows.length > 0) {
    throw new SchemaDumpError(`the schema dump cannot describe: ${rows.map((row) => row.what).join('; ')}`);
  }
}

/** Composite, enum and domain types (the row types of tables are their tables). */
async function dumpTypes(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select t.typname as name,
            case t.typtype
              when 'c' then format(E'CREATE TYPE %s AS (\\n%s\\n);', t.oid::regtype,
                (select string_agg(format('    %I %s', a.attname, format_type(a.atttypid, a.atttypmod)),
                                   E',\\n' order by a.attnum)
                   from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped))
              when 'e' then format('CREATE TYPE %s AS ENUM (%s);', t.oid::regtype,
                (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
                   from pg_enum e where e.enumtypid = t.oid))
              else format('CREATE DOMAIN %s AS %s%s%s%s;', t.oid::regtype, format_type(t.typbasetype, t.typtypmod),
                case when t.typdefault is not null then ' DEFAULT ' || t.typdefault else '' end,
                case when t.typnotnull then ' NOT NULL' else '' end,
                coalesce((select string_agg(format(' CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)),
                                            '' order by c.conname)
                            from pg_constraint c where c.contypid = t.oid), ''))
            end as definition
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typtype in ('c', 'e', 'd')
        and (t.typtype <> 'c' or (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

async function dumpSequences(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select c.relname as name,
            format('CREATE SEQUENCE %s AS %s INCREMENT %s MINVALUE %s MAXVALUE %s START %s CACHE %s%s;%s',
              c.oid::regclass, format_type(s.seqtypid, null), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,
              s.seqcache, case when s.seqcycle then ' CYCLE' else '' end,
              coalesce((select format(E'\\n-- owned by %s.%I%s', d.refobjid::regclass, a.attname,
                                      case d.deptype when 'i' then ' (identity)' else '' end)
                          from pg_depend d
                          join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid
                           and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')), '')) as definition
       from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

interface TableRow {
  name: string;
  header: string;
  columns: string[] | null;
  constraints: string[] | null;
  footer: string;
}

/** Tables in column order, their constraints (all but NOT NULL, shown on the column) sorted by name. */
async function dumpTables(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<TableRow>(
    `select c.relname as name,
            format('CREATE %sTABLE %s', case c.relpersistence when 'u' then 'UNLOGGED ' else '' end,
                   c.oid::regclass) as header,
            (select array_agg(format('%I %s%s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                      case when a.attcollation <> 0 and a.attcollation <> ty.typcollation
                           then ' COLLATE ' || a.attcollation::regcollation::text else '' end,
                      case a.attidentity when 'a' then ' GENERATED ALWAYS AS IDENTITY'
                                         when 'd' then ' GENERATED BY DEFAULT AS IDENTITY' else '' end,
                      case when a.attgenerated <> '' then format(' GENERATED ALWAYS AS (%s) %s',
                             pg_get_expr(ad.adbin, ad.adrelid),
                             case a.attgenerated when 's' then 'STORED' else 'VIRTUAL' end)
                           when ad.adbin is not null then ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid)
                           else '' end,
                      case when a.attnotnull then ' NOT NULL' else '' end) order by a.attnum)
               from pg_attribute a
               join pg_type ty on ty.oid = a.atttypid
               left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
              where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select array_agg(format('CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid, true))
                              order by k.conname collate "C")
               from pg_constraint k where k.conrelid = c.oid and k.contype <> 'n') as constraints,
            concat(case when c.relkind = 'p' then ' PARTITION BY ' || pg_get_partkeydef(c.oid) end,
                   case when c.reloptions is not null
                        then ' WITH (' || array_to_string(c.reloptions, ', ') || ')' end) as footer
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p')`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => {
    const body = [...(row.columns ?? []), ...(row.constraints ?? [])].map((line) => `    ${line}`);
    return `${row.header} (\n${body.join(',\n')}\n)${row.footer};`;
  });
}

async function dumpViews(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select c.relname as name,
            format(E'CREATE %sVIEW %s AS\\n%s', case c.relkind when 'm' then 'MATERIALIZED ' else '' end,
                   c.oid::regclass, rtrim(pg_get_viewdef(c.oid, true), E'; \\n') || ';') as definition
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('v', 'm')`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

async function dumpIndexes(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select c.relname as name, pg_get_indexdef(c.oid) || ';' as definition
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('i', 'I')`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

async function dumpTriggers(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select c.relname || '.' || tg.tgname as name, pg_get_triggerdef(tg.oid, true) || ';' as definition
       from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and not tg.tgisinternal`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

/** Functions and procedures by name, then identity arguments (overloads). */
async function dumpFunctions(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name,
            rtrim(pg_get_functiondef(p.oid), E'\\n') || ';' as definition
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = $1 and p.prokind in ('f', 'p')`,
    [schema],
  );
  return sortedBy(rows, (row) => row.name).map((row) => row.definition);
}

/** Comment keywords for the object types pg_identify_object names. */
const COMMENT_TARGET: Record<string, string> = {
  'table column': 'COLUMN',
  'table constraint': 'CONSTRAINT',
  'domain constraint': 'CONSTRAINT',
  'composite type': 'TYPE',
};

/** Every comment on an object of the schema (the schema's own comment included). */
async function dumpComments(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ type: string; identity: string; description: string }>(
    `select o.type, o.identity, d.description
       from pg_description d
       cross join lateral pg_identify_object(d.classoid, d.objoid, d.objsubid) o
      where o.schema = $1
         or (d.classoid = 'pg_namespace'::regclass and d.objoid = to_regnamespace($1)::oid)`,
    [schema],
  );
  return sortedBy(rows, (row) => `${row.type} ${row.identity}`).map((row) => {
    const target = COMMENT_TARGET[row.type] ?? row.type.toUpperCase();
    return `COMMENT ON ${target} ${row.identity} IS ${quoteLiteral(row.description)};`;
  });
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The rows of the schema's seed tables, one INSERT per row, sorted. */
async function dumpSeedRows(
  client: pg.ClientBase,
  schema: string,
  seedTables: readonly string[],
): Promise<string[]> {
  const sections: string[] = [];
  for (const table of sortedBy(
    seedTables.filter((name) => name.startsWith(`${schema}.`)),
    (name) => name,
  )) {
    const { rows } = await client.query<{ columns: string; value_list: string }>(
      `select (select string_agg(quote_ident(key), ', ' order by ordinality)
                 from json_each(row_to_json(t)) with ordinality) as columns,
              (select string_agg(quote_nullable(value), ', ' order by ordinality)
                 from json_each_text(row_to_json(t)) with ordinality) as value_list
         from ${table.split('.').map(quoteIdentAlways).join('.')} t`,
    );
    const inserts = rows.map((row) => `INSERT INTO ${table} (${row.columns}) VALUES (${row.value_list});`);
    sections.push(`-- rows of ${table} (${rows.length})\n${inserts.sort(byText).join('\n')}`);
  }
  return sections;
}

function quoteIdentAlways(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
