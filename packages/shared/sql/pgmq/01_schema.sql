-- PGMQ-compatible layer, part 1: the pgmq schema, the queue registry (pgmq.meta), the record types and name validation (validate_queue_name, format_table_name).
--
-- Written from PGMQ's public API documentation for databases where `CREATE EXTENSION pgmq` is not
-- available. It follows PGMQ 1.5 (1.5.1, with 1.5.2's acquire_queue_lock): every public function of
-- that version, under the same names, parameter names and return types (the conformance suite,
-- packages/shared/src/queue/pgmq.conformance.test.ts, prepares each documented call form and checks
-- its result types). Errors carry our own SQLSTATEs:
--   TKQ01  invalid queue name   (empty, longer than 47 characters, or containing $ ; -- ' ")
--   TKQ02  unknown queue        (no pgmq.q_<name> table)
--   TKQ03  partitioned queues   (create_partitioned, convert_archive_partitioned: PGMQ builds them
--                                on pg_partman; this layer does not implement them)
-- An error about a name never echoes the name it rejects (it may be very long, or hostile): it says
-- what is wrong with it. Every file is safe to re-run on a database that already has the layer.

CREATE SCHEMA IF NOT EXISTS pgmq;

COMMENT ON SCHEMA pgmq IS 'tasker PGMQ-compatible queue layer (packages/shared/sql/pgmq); PGMQ 1.5 API';

-- One row per queue; queue_name is the lower-cased name, the same one the tables are named after.
CREATE TABLE IF NOT EXISTS pgmq.meta (
  queue_name     varchar     NOT NULL,
  is_partitioned boolean     NOT NULL DEFAULT false,
  is_unlogged    boolean     NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT meta_queue_name_key UNIQUE (queue_name)
);

-- CREATE TYPE has no IF NOT EXISTS; create each record type only when it is missing.
DO $types$
BEGIN
  IF to_regtype('pgmq.message_record') IS NULL THEN
    CREATE TYPE pgmq.message_record AS (
      msg_id      bigint,
      read_ct     integer,
      enqueued_at timestamptz,
      vt          timestamptz,
      message     jsonb,
      headers     jsonb
    );
  END IF;
  IF to_regtype('pgmq.queue_record') IS NULL THEN
    CREATE TYPE pgmq.queue_record AS (
      queue_name     varchar,
      is_partitioned boolean,
      is_unlogged    boolean,
      created_at     timestamptz
    );
  END IF;
  IF to_regtype('pgmq.metrics_result') IS NULL THEN
    CREATE TYPE pgmq.metrics_result AS (
      queue_name           text,
      queue_length         bigint,
      newest_msg_age_sec   integer,
      oldest_msg_age_sec   integer,
      total_messages       bigint,
      scrape_time          timestamptz,
      queue_visible_length bigint
    );
  END IF;
END
$types$;

-- _validate_queue_name: raises TKQ01 unless queue_name is a usable queue name: 1 to 47 characters
-- (PGMQ's limit) whose derived names fit PostgreSQL's 63-byte identifiers without truncation, and
-- free of '$', ';', '--' and quotes. The message says what is wrong (empty, how long, which
-- forbidden sequence) and never repeats the name. Takes no locks. Returns the lower-cased name, the
-- stem of the table names.
CREATE OR REPLACE FUNCTION pgmq._validate_queue_name(queue_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_forbidden text;
BEGIN
  IF queue_name IS NULL OR length(queue_name) = 0 THEN
    RAISE EXCEPTION 'invalid queue name: it is empty'
      USING ERRCODE = 'TKQ01';
  END IF;
  IF length(queue_name) > 47 OR octet_length('q_' || queue_name || '_vt_idx') > 63 THEN
    RAISE EXCEPTION 'invalid queue name: it is % characters (% bytes) long, the maximum is 47 characters (54 bytes)',
      length(queue_name), octet_length(queue_name)
      USING ERRCODE = 'TKQ01';
  END IF;
  v_forbidden := CASE
    WHEN strpos(queue_name, '$') > 0 THEN '$'
    WHEN strpos(queue_name, ';') > 0 THEN ';'
    WHEN strpos(queue_name, '--') > 0 THEN '--'
    WHEN strpos(queue_name, '''') > 0 THEN ''''
    WHEN strpos(queue_name, '"') > 0 THEN '"'
  END;
  IF v_forbidden IS NOT NULL THEN
    RAISE EXCEPTION 'invalid queue name: it contains % at character %, and must not contain $, ;, --, '' or "',
      v_forbidden, strpos(queue_name, v_forbidden)
      USING ERRCODE = 'TKQ01';
  END IF;
  RETURN lower(queue_name);
END
$$;

-- validate_queue_name: PGMQ's public check of a queue name (see pgmq._validate_queue_name; PGMQ
-- itself checks only the length here). Takes no locks. Returns nothing; raises TKQ01.
CREATE OR REPLACE FUNCTION pgmq.validate_queue_name(queue_name text)
RETURNS void
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT pgmq._validate_queue_name(queue_name);
END;
COMMENT ON FUNCTION pgmq.validate_queue_name(text) IS
  'Raises TKQ01 unless the name is a usable queue name (1 to 47 characters, no $ ; -- or quotes).';

-- format_table_name: the name of one of a queue's tables, prefix || '_' || the lower-cased queue
-- name ('q' for the queue table, 'a' for its archive), as PGMQ names them; pass it through
-- format('%I') to use it. Consumers that build their own queries on a queue's table call it (pgflow's
-- set_vt_batch does). Takes no locks; does not check that the queue exists. Raises TKQ01 for an
-- invalid name (PGMQ checks only the forbidden characters here).
CREATE OR REPLACE FUNCTION pgmq.format_table_name(queue_name text, prefix text)
RETURNS text
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT lower(prefix) || '_' || pgmq._validate_queue_name(queue_name);
END;
COMMENT ON FUNCTION pgmq.format_table_name(text, text) IS
  'The unqualified name of a queue table: prefix_<lower-cased name> (q: messages, a: archive); raises TKQ01 for a bad name.';

-- _queue_table: validates queue_name and checks that its queue exists (one syscache lookup, no
-- catalog scan). Takes no locks. Returns the unqualified name of the queue table, 'q_' || lower(name);
-- the archive table is 'a_' || the same stem. Raises TKQ01 for a bad name, TKQ02 for an unknown queue.
CREATE OR REPLACE FUNCTION pgmq._queue_table(queue_name text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_table text := 'q_' || pgmq._validate_queue_name(queue_name);
BEGIN
  IF to_regclass(format('pgmq.%I', v_table)) IS NULL THEN
    RAISE EXCEPTION 'unknown queue "%": pgmq.% does not exist', queue_name, v_table
      USING ERRCODE = 'TKQ02', HINT = 'Create it first with pgmq.create(queue_name).';
  END IF;
  RETURN v_table;
END
$$;
