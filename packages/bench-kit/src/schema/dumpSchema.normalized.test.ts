/**
 * dumpSchema on a small schema of every kind it describes: the exact text (so a change of format is
 * a visible change of this test), identical on a second dump, blind to volatile state (sequence
 * positions, rows of tables that are not seed tables), and refusing a kind it cannot describe.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { dumpSchema, SchemaDumpError, type SchemaDumpOptions } from './dumpSchema.ts';

const db = useTestDatabase();
const OPTIONS = { schemas: ['dump_b', 'dump_a'], seedTables: ['dump_a.kinds'] };

const SETUP = `
create schema dump_a;
create schema dump_b;
comment on schema dump_b is 'second';
create type dump_a.colour as enum ('red', 'green');
create type dump_a.pair as (left_side integer, right_side text);
create table dump_a.kinds (name text primary key, colour dump_a.colour not null default 'red');
comment on column dump_a.kinds.colour is 'it''s a colour';
create table dump_a.items (
  id bigint generated always as identity primary key,
  kind text not null references dump_a.kinds on delete cascade,
  weight integer check (weight > 0),
  created_at timestamptz not null default now()
) with (fillfactor = 70);
create index items_kind_idx on dump_a.items (kind) where weight is not null;
create function dump_a.touch() returns trigger language plpgsql as $$
BEGIN
  RETURN NEW;
END
$$;
create trigger items_touch before update on dump_a.items for each row execute function dump_a.touch();
create view dump_a.heavy as select id, kind from dump_a.items where weight > 10;
create function dump_a.add(a integer, b integer default 1) returns integer language sql immutable return a + b;
comment on function dump_a.add(integer, integer) is 'adds';
insert into dump_a.kinds values ('b', 'green'), ('a', 'red');
`;

const EXPECTED_A = `-- ==================== schema dump_a ====================

CREATE SCHEMA dump_a;

CREATE TYPE dump_a.colour AS ENUM ('red', 'green');

CREATE TYPE dump_a.pair AS (
    left_side integer,
    right_side text
);

CREATE SEQUENCE dump_a.items_id_seq AS bigint INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 START 1 CACHE 1;
-- owned by dump_a.items.id (identity)

CREATE TABLE dump_a.items (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    kind text NOT NULL,
    weight integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT items_kind_fkey FOREIGN KEY (kind) REFERENCES dump_a.kinds(name) ON DELETE CASCADE,
    CONSTRAINT items_pkey PRIMARY KEY (id),
    CONSTRAINT items_weight_check CHECK (weight > 0)
) WITH (fillfactor=70);

CREATE TABLE dump_a.kinds (
    name text NOT NULL,
    colour dump_a.colour DEFAULT 'red'::dump_a.colour NOT NULL,
    CONSTRAINT kinds_pkey PRIMARY KEY (name)
);

CREATE VIEW dump_a.heavy AS
 SELECT id,
    kind
   FROM dump_a.items
  WHERE weight > 10;

CREATE INDEX items_kind_idx ON dump_a.items USING btree (kind) WHERE (weight IS NOT NULL);

CREATE UNIQUE INDEX items_pkey ON dump_a.items USING btree (id);

CREATE UNIQUE INDEX kinds_pkey ON dump_a.kinds USING btree (name);

CREATE TRIGGER items_touch BEFORE UPDATE ON dump_a.items FOR EACH ROW EXECUTE FUNCTION dump_a.touch();

CREATE OR REPLACE FUNCTION dump_a.add(a integer, b integer DEFAULT 1)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
RETURN (a + b);

CREATE OR REPLACE FUNCTION dump_a.touch()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RETURN NEW;
END
$function$;

COMMENT ON FUNCTION dump_a.add(integer,integer) IS 'adds';

COMMENT ON COLUMN dump_a.kinds.colour IS 'it''s a colour';

-- rows of dump_a.kinds (2)
INSERT INTO dump_a.kinds (name, colour) VALUES ('a', 'red');
INSERT INTO dump_a.kinds (name, colour) VALUES ('b', 'green');`;

const EXPECTED_B = `-- ==================== schema dump_b ====================

CREATE SCHEMA dump_b;

COMMENT ON SCHEMA dump_b IS 'second';`;

async function dump(options: SchemaDumpOptions = OPTIONS): Promise<string> {
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    return await dumpSchema(client, options);
  } finally {
    await client.end();
  }
}

describe('dumpSchema', () => {
  beforeAll(async () => {
    await db.pool.query(SETUP);
  });
  afterAll(async () => {
    await db.pool.query('drop schema if exists dump_a, dump_b, dump_c cascade');
  });

  test('writes each schema in name order, each kind of object sorted by name, names qualified', async () => {
    const text = await dump();
    const body = text.slice(text.indexOf('-- ===================='));
    expect(body).toBe(`${EXPECTED_A}\n\n${EXPECTED_B}\n`);
    expect(text).toMatch(/^-- PostgreSQL \d+; pgmq: /m);
  });

  test('opens with the header lines it is given, then the server line', async () => {
    const text = await dump({
      ...OPTIONS,
      header: ['first line', 'second line'],
      pgmqWithoutExtension: 'none here',
    });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '-- first line',
      '-- second line',
      expect.stringMatching(/^-- PostgreSQL \d+; pgmq: (none here|the pgmq extension .+)$/),
    ]);
  });

  test('a second dump is identical, and neither sequence positions nor other tables’ rows show', async () => {
    const before = await dump();
    await db.pool.query(
      `insert into dump_a.items (kind, weight) select 'a', g from generate_series(1, 20) g`,
    );
    expect(await dump()).toBe(before);
  });

  test('a change of a seed row, a function body or a comment changes the dump', async () => {
    const before = await dump();
    await db.pool.query(`insert into dump_a.kinds values ('c', 'green')`);
    const withRow = await dump();
    expect(withRow).toContain(`INSERT INTO dump_a.kinds (name, colour) VALUES ('c', 'green');`);
    await db.pool.query(
      'create or replace function dump_a.add(a integer, b integer default 1) returns integer language sql immutable return a - b',
    );
    const withBody = await dump();
    expect(withBody).toContain('RETURN (a - b);');
    await db.pool.query(`comment on function dump_a.add(integer, integer) is 'subtracts'`);
    const withComment = await dump();
    expect(withComment).toContain(`IS 'subtracts';`);
    expect(new Set([before, withRow, withBody, withComment]).size).toBe(4);
  });

  test('refuses an object it cannot describe instead of leaving it out', async () => {
    await db.pool.query(`create schema dump_c; create type dump_c.span as range (subtype = integer)`);
    await expect(dump({ schemas: ['dump_c'], seedTables: [] })).rejects.toThrow(SchemaDumpError);
    await expect(dump({ schemas: ['dump_c'], seedTables: [] })).rejects.toThrow(
      /type dump_c\.span \(typtype r\)/,
    );
  });
});
