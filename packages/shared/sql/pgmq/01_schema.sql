-- PGMQ-compatible layer, part 1: the pgmq schema, the queue registry (pgmq.meta), the record types and name validation.
--
-- Written from PGMQ 1.x's public API documentation for databases where `CREATE EXTENSION pgmq`
-- is not available. Names, signatures and semantics follow PGMQ; errors carry our own SQLSTATEs:
--   TKQ01  invalid queue name   (empty, longer than 47 characters, or containing $ ; -- ' ")
--   TKQ02  unknown queue        (no pgmq.q_<name> table)
-- Every file is safe to re-run on a database that already has the layer.

CREATE SCHEMA IF NOT EXISTS pgmq;

COMMENT ON SCHEMA pgmq IS 'tasker PGMQ-compatible queue layer (packages/shared/sql/pgmq); PGMQ 1.x API';

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
-- free of '$', ';', '--' and quotes. Takes no locks. Returns the lower-cased name, the stem of the
-- table names.
CREATE OR REPLACE FUNCTION pgmq._validate_queue_name(queue_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  IF queue_name IS NULL OR length(queue_name) = 0 THEN
    RAISE EXCEPTION 'invalid queue name: it must not be empty'
      USING ERRCODE = 'TKQ01';
  END IF;
  IF length(queue_name) > 47 OR octet_length('q_' || queue_name || '_vt_idx') > 63 THEN
    RAISE EXCEPTION 'invalid queue name "%": it is % characters long, the maximum is 47 (54 bytes)',
      queue_name, length(queue_name)
      USING ERRCODE = 'TKQ01';
  END IF;
  IF strpos(queue_name, '$') > 0 OR strpos(queue_name, ';') > 0 OR strpos(queue_name, '--') > 0
     OR strpos(queue_name, '''') > 0 OR strpos(queue_name, '"') > 0 THEN
    RAISE EXCEPTION 'invalid queue name "%": it must not contain $, ;, --, '' or "',
      queue_name
      USING ERRCODE = 'TKQ01';
  END IF;
  RETURN lower(queue_name);
END
$$;

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
