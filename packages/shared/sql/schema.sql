-- Schema of a freshly migrated tasker database, dumped from the catalog by scripts/dump-schema.ts.
-- Generated: do not edit. Regenerate with `pnpm schema:dump`; CI runs `node scripts/dump-schema.ts --check`.
-- PostgreSQL 18; pgmq: compatible (tasker sql/pgmq)

-- ==================== schema pgmq ====================

CREATE SCHEMA pgmq;

CREATE TYPE pgmq.message_record AS (
    msg_id bigint,
    read_ct integer,
    enqueued_at timestamp with time zone,
    vt timestamp with time zone,
    message jsonb,
    headers jsonb
);

CREATE TYPE pgmq.metrics_result AS (
    queue_name text,
    queue_length bigint,
    newest_msg_age_sec integer,
    oldest_msg_age_sec integer,
    total_messages bigint,
    scrape_time timestamp with time zone,
    queue_visible_length bigint
);

CREATE TYPE pgmq.queue_record AS (
    queue_name character varying,
    is_partitioned boolean,
    is_unlogged boolean,
    created_at timestamp with time zone
);

CREATE SEQUENCE pgmq.q_orchestration_step_results_msg_id_seq AS bigint INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 START 1 CACHE 1;
-- owned by pgmq.q_orchestration_step_results.msg_id (identity)

CREATE TABLE pgmq.a_orchestration_step_results (
    msg_id bigint NOT NULL,
    read_ct integer DEFAULT 0 NOT NULL,
    enqueued_at timestamp with time zone DEFAULT now() NOT NULL,
    archived_at timestamp with time zone DEFAULT now() NOT NULL,
    vt timestamp with time zone NOT NULL,
    message jsonb,
    headers jsonb,
    CONSTRAINT a_orchestration_step_results_pkey PRIMARY KEY (msg_id)
);

CREATE TABLE pgmq.meta (
    queue_name character varying NOT NULL,
    is_partitioned boolean DEFAULT false NOT NULL,
    is_unlogged boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT meta_queue_name_key UNIQUE (queue_name)
);

CREATE TABLE pgmq.q_orchestration_step_results (
    msg_id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    read_ct integer DEFAULT 0 NOT NULL,
    enqueued_at timestamp with time zone DEFAULT now() NOT NULL,
    vt timestamp with time zone NOT NULL,
    message jsonb,
    headers jsonb,
    CONSTRAINT q_orchestration_step_results_pkey PRIMARY KEY (msg_id)
) WITH (fillfactor=50);

CREATE UNIQUE INDEX a_orchestration_step_results_pkey ON pgmq.a_orchestration_step_results USING btree (msg_id);

CREATE UNIQUE INDEX meta_queue_name_key ON pgmq.meta USING btree (queue_name);

CREATE UNIQUE INDEX q_orchestration_step_results_pkey ON pgmq.q_orchestration_step_results USING btree (msg_id);

CREATE OR REPLACE FUNCTION pgmq._claim(queue_name text, vt integer, qty integer, conditional jsonb, consume boolean)
 RETURNS SETOF pgmq.message_record
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_table  text := pgmq._queue_table(queue_name);
  v_now    timestamptz := clock_timestamp();
  v_filter text := CASE WHEN conditional IS NULL OR conditional = '{}'::jsonb THEN ''
                        ELSE 'AND message @> $4' END;
  v_change text := CASE WHEN consume THEN format('DELETE FROM pgmq.%I', v_table)
                        ELSE format('UPDATE pgmq.%I SET vt = $3, read_ct = read_ct + 1', v_table) END;
  v_claim  text;
BEGIN
  v_claim := format(
    '%s
     WHERE msg_id = ANY (ARRAY(
       SELECT msg_id FROM pgmq.%I
       WHERE vt <= $1 %s
       ORDER BY msg_id
       LIMIT $2
       FOR UPDATE SKIP LOCKED))
     RETURNING msg_id, read_ct, enqueued_at, vt, message, headers',
    v_change, v_table, v_filter);
  IF qty IS NULL OR qty > 1 THEN
    v_claim := 'WITH claimed AS (' || v_claim || ') SELECT * FROM claimed ORDER BY msg_id';
  END IF;
  RETURN QUERY EXECUTE v_claim
    USING v_now, qty, v_now + make_interval(secs => vt), conditional;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._create_queue(queue_name text, unlogged boolean)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_stem    text := pgmq._validate_queue_name(queue_name);
  v_queue   text := 'q_' || v_stem;
  v_archive text := 'a_' || v_stem;
  v_kind    text := CASE WHEN unlogged THEN 'UNLOGGED TABLE' ELSE 'TABLE' END;
BEGIN
  PERFORM pg_advisory_xact_lock(pgmq._queue_lock_key(v_stem));

  EXECUTE format(
    'CREATE %s IF NOT EXISTS pgmq.%I (
       msg_id      bigint      PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
       read_ct     integer     NOT NULL DEFAULT 0,
       enqueued_at timestamptz NOT NULL DEFAULT now(),
       vt          timestamptz NOT NULL,
       message     jsonb,
       headers     jsonb
     ) WITH (fillfactor = 50)', v_kind, v_queue);

  EXECUTE format(
    'CREATE %s IF NOT EXISTS pgmq.%I (
       msg_id      bigint      PRIMARY KEY,
       read_ct     integer     NOT NULL DEFAULT 0,
       enqueued_at timestamptz NOT NULL DEFAULT now(),
       archived_at timestamptz NOT NULL DEFAULT now(),
       vt          timestamptz NOT NULL,
       message     jsonb,
       headers     jsonb
     )', v_kind, v_archive);

  INSERT INTO pgmq.meta (queue_name, is_partitioned, is_unlogged)
  VALUES (v_stem, false, unlogged)
  ON CONFLICT ON CONSTRAINT meta_queue_name_key DO NOTHING;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._queue_lock_key(stem text)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE
BEGIN ATOMIC
 SELECT (hashtext(('pgmq.queue_'::text || stem)))::bigint AS hashtext;
END;

CREATE OR REPLACE FUNCTION pgmq._queue_table(queue_name text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  v_table text := 'q_' || pgmq._validate_queue_name(queue_name);
BEGIN
  IF to_regclass(format('pgmq.%I', v_table)) IS NULL THEN
    RAISE EXCEPTION 'unknown queue "%": pgmq.% does not exist', queue_name, v_table
      USING ERRCODE = 'TKQ02', HINT = 'Create it first with pgmq.create(queue_name).';
  END IF;
  RETURN v_table;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._refuse_partitioned(what text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION '%: partitioned queues are not available in tasker''s PGMQ-compatible layer', what
    USING ERRCODE = 'TKQ03',
          DETAIL = 'PGMQ partitions a queue through the pg_partman extension, which creates and retires its partitions; this layer has no partition maintenance.',
          HINT = 'Use pgmq.create(queue_name) for an ordinary queue, or a server with the pgmq and pg_partman extensions.';
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._send_many(queue_name text, msgs jsonb[], headers jsonb[], delay timestamp with time zone)
 RETURNS SETOF bigint
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF headers IS NOT NULL AND cardinality(headers) <> cardinality(msgs) THEN
    RAISE EXCEPTION 'send_batch: % headers for % messages', cardinality(headers), cardinality(msgs)
      USING ERRCODE = '22023';
  END IF;
  IF cardinality(msgs) = 1 THEN
    RETURN NEXT pgmq._send_one(queue_name, msgs[1], headers[1], delay);
    RETURN;
  END IF;
  RETURN QUERY EXECUTE format(
    'INSERT INTO pgmq.%I (vt, message, headers)
     SELECT $1, m.message, m.headers FROM unnest($2, $3) AS m(message, headers)
     RETURNING msg_id', pgmq._queue_table(queue_name))
    USING delay, msgs, headers;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._send_one(queue_name text, msg jsonb, headers jsonb, delay timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_id bigint;
BEGIN
  EXECUTE format('INSERT INTO pgmq.%I (vt, message, headers) VALUES ($1, $2, $3) RETURNING msg_id',
                 pgmq._queue_table(queue_name))
    INTO v_id
    USING delay, msg, headers;
  RETURN v_id;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq._validate_queue_name(queue_name text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION pgmq.acquire_queue_lock(queue_name text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_key bigint := pgmq._queue_lock_key(pgmq._validate_queue_name(queue_name));
BEGIN
  PERFORM pg_advisory_lock(v_key);
  RETURN v_key;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_id bigint)
 RETURNS boolean
 LANGUAGE sql
BEGIN ATOMIC
 SELECT (EXISTS ( SELECT 1
            FROM pgmq.archive(archive.queue_name, ARRAY[archive.msg_id]) archive(archive))) AS "exists";
END;

CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[])
 RETURNS SETOF bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_table text := pgmq._queue_table(queue_name);
BEGIN
  RETURN QUERY EXECUTE format(
    'WITH moved AS (
       DELETE FROM pgmq.%I WHERE msg_id = ANY($1)
       RETURNING msg_id, read_ct, enqueued_at, vt, message, headers
     )
     INSERT INTO pgmq.%I (msg_id, read_ct, enqueued_at, vt, message, headers)
     SELECT msg_id, read_ct, enqueued_at, vt, message, headers FROM moved
     RETURNING msg_id', v_table, 'a_' || substr(v_table, 3))
    USING msg_ids;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.convert_archive_partitioned(table_name text, partition_interval text DEFAULT '10000'::text, retention_interval text DEFAULT '100000'::text, leading_partition integer DEFAULT 10)
 RETURNS void
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._refuse_partitioned('convert_archive_partitioned'::text) AS _refuse_partitioned;
END;

CREATE OR REPLACE FUNCTION pgmq."create"(queue_name text)
 RETURNS void
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._create_queue(queue_name, false) AS _create_queue;
END;

CREATE OR REPLACE FUNCTION pgmq.create_non_partitioned(queue_name text)
 RETURNS void
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._create_queue(queue_name, false) AS _create_queue;
END;

CREATE OR REPLACE FUNCTION pgmq.create_partitioned(queue_name text, partition_interval text DEFAULT '10000'::text, retention_interval text DEFAULT '100000'::text)
 RETURNS void
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._validate_queue_name(queue_name) AS _validate_queue_name;
 SELECT pgmq._refuse_partitioned('create_partitioned'::text) AS _refuse_partitioned;
END;

CREATE OR REPLACE FUNCTION pgmq.create_unlogged(queue_name text)
 RETURNS void
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._create_queue(queue_name, true) AS _create_queue;
END;

CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_id bigint)
 RETURNS boolean
 LANGUAGE sql
BEGIN ATOMIC
 SELECT (EXISTS ( SELECT 1
            FROM pgmq.delete(delete.queue_name, ARRAY[delete.msg_id]) delete(delete))) AS "exists";
END;

CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[])
 RETURNS SETOF bigint
 LANGUAGE plpgsql
AS $function$
BEGIN
  RETURN QUERY EXECUTE format(
    'DELETE FROM pgmq.%I WHERE msg_id = ANY($1) RETURNING msg_id', pgmq._queue_table(queue_name))
    USING msg_ids;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.detach_archive(queue_name text)
 RETURNS void
 LANGUAGE sql
 STABLE
BEGIN ATOMIC
 SELECT pgmq._queue_table(queue_name) AS _queue_table;
END;

CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_stem text := pgmq._validate_queue_name(queue_name);
BEGIN
  PERFORM pg_advisory_xact_lock(pgmq._queue_lock_key(v_stem));
  IF to_regclass(format('pgmq.%I', 'q_' || v_stem)) IS NULL THEN
    RAISE NOTICE 'pgmq queue "%" does not exist', queue_name;
    RETURN false;
  END IF;
  EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', 'q_' || v_stem);
  EXECUTE format('DROP TABLE IF EXISTS pgmq.%I', 'a_' || v_stem);
  DELETE FROM pgmq.meta AS m WHERE m.queue_name = v_stem;
  RETURN true;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text, partitioned boolean)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE WARNING 'drop_queue(queue_name, partitioned) is deprecated: use drop_queue(queue_name)';
  RETURN pgmq.drop_queue(queue_name);
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.format_table_name(queue_name text, prefix text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
BEGIN ATOMIC
 SELECT ((lower(prefix) || '_'::text) || pgmq._validate_queue_name(queue_name));
END;

CREATE OR REPLACE FUNCTION pgmq.list_queues()
 RETURNS SETOF pgmq.queue_record
 LANGUAGE sql
 STABLE
BEGIN ATOMIC
 SELECT m.queue_name,
     m.is_partitioned,
     m.is_unlogged,
     m.created_at
    FROM pgmq.meta m
   ORDER BY m.created_at, m.queue_name;
END;

CREATE OR REPLACE FUNCTION pgmq.metrics(queue_name text)
 RETURNS pgmq.metrics_result
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_table  text := pgmq._queue_table(queue_name);
  v_result pgmq.metrics_result;
BEGIN
  EXECUTE format(
    'SELECT $1::text,
            count(*),
            extract(epoch FROM $2 - max(enqueued_at))::integer,
            extract(epoch FROM $2 - min(enqueued_at))::integer,
            coalesce(pg_sequence_last_value(pg_get_serial_sequence($3, ''msg_id'')::regclass), 0),
            $2,
            count(*) FILTER (WHERE vt <= $2)
     FROM pgmq.%I', v_table)
    INTO v_result
    USING lower(queue_name), clock_timestamp(), format('pgmq.%I', v_table);
  RETURN v_result;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.metrics_all()
 RETURNS SETOF pgmq.metrics_result
 LANGUAGE sql
BEGIN ATOMIC
 SELECT r.queue_name,
     r.queue_length,
     r.newest_msg_age_sec,
     r.oldest_msg_age_sec,
     r.total_messages,
     r.scrape_time,
     r.queue_visible_length
    FROM (pgmq.meta m
      CROSS JOIN LATERAL pgmq.metrics((m.queue_name)::text) r(queue_name, queue_length, newest_msg_age_sec, oldest_msg_age_sec, total_messages, scrape_time, queue_visible_length))
   ORDER BY m.queue_name;
END;

CREATE OR REPLACE FUNCTION pgmq.pop(queue_name text, qty integer DEFAULT 1)
 RETURNS SETOF pgmq.message_record
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _claim.msg_id,
     _claim.read_ct,
     _claim.enqueued_at,
     _claim.vt,
     _claim.message,
     _claim.headers
    FROM pgmq._claim(pop.queue_name, 0, pop.qty, '{}'::jsonb, true) _claim(msg_id, read_ct, enqueued_at, vt, message, headers);
END;

CREATE OR REPLACE FUNCTION pgmq.purge_queue(queue_name text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_deleted bigint;
BEGIN
  EXECUTE format('DELETE FROM pgmq.%I', pgmq._queue_table(queue_name));
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.read(queue_name text, vt integer, qty integer, conditional jsonb DEFAULT '{}'::jsonb)
 RETURNS SETOF pgmq.message_record
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _claim.msg_id,
     _claim.read_ct,
     _claim.enqueued_at,
     _claim.vt,
     _claim.message,
     _claim.headers
    FROM pgmq._claim(read.queue_name, read.vt, read.qty, read.conditional, false) _claim(msg_id, read_ct, enqueued_at, vt, message, headers);
END;

CREATE OR REPLACE FUNCTION pgmq.read_with_poll(queue_name text, vt integer, qty integer, max_poll_seconds integer DEFAULT 5, poll_interval_ms integer DEFAULT 100, conditional jsonb DEFAULT '{}'::jsonb)
 RETURNS SETOF pgmq.message_record
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_deadline timestamptz := clock_timestamp() + make_interval(secs => max_poll_seconds);
BEGIN
  LOOP
    RETURN QUERY SELECT * FROM pgmq._claim(queue_name, vt, qty, conditional, false);
    IF FOUND OR clock_timestamp() >= v_deadline THEN
      RETURN;
    END IF;
    PERFORM pg_sleep(least(poll_interval_ms / 1000.0,
                           greatest(extract(epoch FROM v_deadline - clock_timestamp()), 0)));
  END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer DEFAULT 0)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._send_one(queue_name, msg, NULL::jsonb, (clock_timestamp() + make_interval(secs => (delay)::double precision))) AS _send_one;
END;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay timestamp with time zone)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._send_one(queue_name, msg, NULL::jsonb, delay) AS _send_one;
END;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer DEFAULT 0)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._send_one(queue_name, msg, headers, (clock_timestamp() + make_interval(secs => (delay)::double precision))) AS _send_one;
END;

CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay timestamp with time zone)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT pgmq._send_one(queue_name, msg, headers, delay) AS _send_one;
END;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer DEFAULT 0)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _send_many._send_many
    FROM pgmq._send_many(send_batch.queue_name, send_batch.msgs, NULL::jsonb[], (clock_timestamp() + make_interval(secs => (send_batch.delay)::double precision))) _send_many(_send_many);
END;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamp with time zone)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _send_many._send_many
    FROM pgmq._send_many(send_batch.queue_name, send_batch.msgs, NULL::jsonb[], send_batch.delay) _send_many(_send_many);
END;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer DEFAULT 0)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _send_many._send_many
    FROM pgmq._send_many(send_batch.queue_name, send_batch.msgs, send_batch.headers, (clock_timestamp() + make_interval(secs => (send_batch.delay)::double precision))) _send_many(_send_many);
END;

CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay timestamp with time zone)
 RETURNS SETOF bigint
 LANGUAGE sql
BEGIN ATOMIC
 SELECT _send_many._send_many
    FROM pgmq._send_many(send_batch.queue_name, send_batch.msgs, send_batch.headers, send_batch.delay) _send_many(_send_many);
END;

CREATE OR REPLACE FUNCTION pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
 RETURNS SETOF pgmq.message_record
 LANGUAGE plpgsql
AS $function$
BEGIN
  RETURN QUERY EXECUTE format(
    'UPDATE pgmq.%I SET vt = clock_timestamp() + make_interval(secs => $2)
     WHERE msg_id = $1
     RETURNING msg_id, read_ct, enqueued_at, vt, message, headers', pgmq._queue_table(queue_name))
    USING msg_id, vt;
END
$function$;

CREATE OR REPLACE FUNCTION pgmq.validate_queue_name(queue_name text)
 RETURNS void
 LANGUAGE sql
 IMMUTABLE
BEGIN ATOMIC
 SELECT pgmq._validate_queue_name(queue_name) AS _validate_queue_name;
END;

COMMENT ON FUNCTION pgmq."create"(pg_catalog.text) IS 'Creates queue tables pgmq.q_<name> and pgmq.a_<name> and registers the queue; idempotent.';

COMMENT ON FUNCTION pgmq.acquire_queue_lock(pg_catalog.text) IS 'Takes the queue''s session advisory lock (the one create and drop_queue take); returns the key for pg_advisory_unlock.';

COMMENT ON FUNCTION pgmq.archive(pg_catalog.text,bigint) IS 'Moves one message to the queue''s archive table; returns true when it was archived.';

COMMENT ON FUNCTION pgmq.archive(pg_catalog.text,bigint[]) IS 'Moves messages to the queue''s archive table pgmq.a_<name>; returns the msg_ids archived.';

COMMENT ON FUNCTION pgmq.convert_archive_partitioned(pg_catalog.text,pg_catalog.text,pg_catalog.text,integer) IS 'Not available in the compatible layer (PGMQ partitions archives with pg_partman): raises TKQ03.';

COMMENT ON FUNCTION pgmq.create_non_partitioned(pg_catalog.text) IS 'Creates an ordinary (logged, unpartitioned) queue, as create does; idempotent.';

COMMENT ON FUNCTION pgmq.create_partitioned(pg_catalog.text,pg_catalog.text,pg_catalog.text) IS 'Not available in the compatible layer (PGMQ builds partitioned queues on pg_partman): raises TKQ03.';

COMMENT ON FUNCTION pgmq.create_unlogged(pg_catalog.text) IS 'Creates a queue with UNLOGGED tables (not crash-safe, faster writes); idempotent.';

COMMENT ON FUNCTION pgmq.delete(pg_catalog.text,bigint) IS 'Deletes one message from a queue; returns true when it was deleted.';

COMMENT ON FUNCTION pgmq.delete(pg_catalog.text,bigint[]) IS 'Deletes messages from a queue; returns the msg_ids deleted.';

COMMENT ON FUNCTION pgmq.detach_archive(pg_catalog.text) IS 'PGMQ: detaches the archive table from the extension. Compatible layer: no extension to detach from; checks the queue exists.';

COMMENT ON FUNCTION pgmq.drop_queue(pg_catalog.text) IS 'Drops a queue, its archive and its registration; returns false when the queue does not exist.';

COMMENT ON FUNCTION pgmq.drop_queue(pg_catalog.text,boolean) IS 'Deprecated form of drop_queue(queue_name) (partitioned is ignored); warns, then drops the queue.';

COMMENT ON FUNCTION pgmq.format_table_name(pg_catalog.text,pg_catalog.text) IS 'The unqualified name of a queue table: prefix_<lower-cased name> (q: messages, a: archive); raises TKQ01 for a bad name.';

COMMENT ON FUNCTION pgmq.list_queues() IS 'Lists registered queues (queue_name, is_partitioned, is_unlogged, created_at).';

COMMENT ON FUNCTION pgmq.metrics(pg_catalog.text) IS 'Queue length, visible length, newest/oldest message age (s), total messages ever sent, scrape time.';

COMMENT ON FUNCTION pgmq.metrics_all() IS 'Metrics for every registered queue.';

COMMENT ON FUNCTION pgmq.pop(pg_catalog.text,integer) IS 'Reads and deletes up to qty (default 1) visible messages atomically; returns them.';

COMMENT ON FUNCTION pgmq.purge_queue(pg_catalog.text) IS 'Deletes all messages from a queue (not its archive); returns how many were deleted.';

COMMENT ON FUNCTION pgmq.read(pg_catalog.text,integer,integer,pg_catalog.jsonb) IS 'Reads up to qty visible messages, hiding them for vt seconds and counting the read (FOR UPDATE SKIP LOCKED).';

COMMENT ON FUNCTION pgmq.read_with_poll(pg_catalog.text,integer,integer,integer,integer,pg_catalog.jsonb) IS 'Like read, polling every poll_interval_ms for up to max_poll_seconds until a message is visible.';

COMMENT ON FUNCTION pgmq.send(pg_catalog.text,pg_catalog.jsonb,integer) IS 'Sends one message, visible after delay seconds (default 0); returns its msg_id.';

COMMENT ON FUNCTION pgmq.send(pg_catalog.text,pg_catalog.jsonb,pg_catalog.jsonb,integer) IS 'Sends one message with headers, visible after delay seconds; returns its msg_id.';

COMMENT ON FUNCTION pgmq.send(pg_catalog.text,pg_catalog.jsonb,pg_catalog.jsonb,timestamp with time zone) IS 'Sends one message with headers visible from the given time; returns its msg_id.';

COMMENT ON FUNCTION pgmq.send(pg_catalog.text,pg_catalog.jsonb,timestamp with time zone) IS 'Sends one message visible from the given time; returns its msg_id.';

COMMENT ON FUNCTION pgmq.send_batch(pg_catalog.text,pg_catalog.jsonb[],integer) IS 'Sends messages, visible after delay seconds (default 0); returns their msg_ids in order.';

COMMENT ON FUNCTION pgmq.send_batch(pg_catalog.text,pg_catalog.jsonb[],pg_catalog.jsonb[],integer) IS 'Sends messages with headers, visible after delay seconds; returns their msg_ids.';

COMMENT ON FUNCTION pgmq.send_batch(pg_catalog.text,pg_catalog.jsonb[],pg_catalog.jsonb[],timestamp with time zone) IS 'Sends messages (with per-message headers) visible from the given time; returns their msg_ids.';

COMMENT ON FUNCTION pgmq.send_batch(pg_catalog.text,pg_catalog.jsonb[],timestamp with time zone) IS 'Sends messages visible from the given time; returns their msg_ids.';

COMMENT ON FUNCTION pgmq.set_vt(pg_catalog.text,bigint,integer) IS 'Sets a message''s visibility timeout to vt seconds from now; returns the updated message.';

COMMENT ON FUNCTION pgmq.validate_queue_name(pg_catalog.text) IS 'Raises TKQ01 unless the name is a usable queue name (1 to 47 characters, no $ ; -- or quotes).';

COMMENT ON SCHEMA pgmq IS 'tasker PGMQ-compatible queue layer (packages/shared/sql/pgmq); PGMQ 1.5 API';

-- ==================== schema tasker ====================

CREATE SCHEMA tasker;

CREATE TABLE tasker.allowed_step_transitions (
    from_state text NOT NULL,
    to_state text NOT NULL,
    CONSTRAINT allowed_step_transitions_pkey PRIMARY KEY (from_state, to_state)
);

CREATE TABLE tasker.allowed_task_transitions (
    from_state text NOT NULL,
    to_state text NOT NULL,
    CONSTRAINT allowed_task_transitions_pkey PRIMARY KEY (from_state, to_state)
);

CREATE TABLE tasker.named_steps (
    named_step_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    named_task_uuid uuid NOT NULL,
    name text NOT NULL,
    handler text NOT NULL,
    description text,
    retryable boolean DEFAULT true NOT NULL,
    max_attempts integer DEFAULT 3 NOT NULL,
    backoff_seconds integer,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT named_steps_backoff_seconds_check CHECK (backoff_seconds >= 0),
    CONSTRAINT named_steps_max_attempts_check CHECK (max_attempts >= 1),
    CONSTRAINT named_steps_named_task_uuid_fkey FOREIGN KEY (named_task_uuid) REFERENCES tasker.named_tasks(named_task_uuid) ON DELETE CASCADE,
    CONSTRAINT named_steps_named_task_uuid_name_key UNIQUE (named_task_uuid, name),
    CONSTRAINT named_steps_pkey PRIMARY KEY (named_step_uuid)
);

CREATE TABLE tasker.named_tasks (
    named_task_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    task_namespace_uuid uuid NOT NULL,
    name text NOT NULL,
    version text DEFAULT '0.1.0'::text NOT NULL,
    description text,
    configuration jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT named_tasks_pkey PRIMARY KEY (named_task_uuid),
    CONSTRAINT named_tasks_task_namespace_uuid_fkey FOREIGN KEY (task_namespace_uuid) REFERENCES tasker.task_namespaces(task_namespace_uuid) ON DELETE CASCADE,
    CONSTRAINT named_tasks_task_namespace_uuid_name_version_key UNIQUE (task_namespace_uuid, name, version)
);

CREATE TABLE tasker.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schema_migrations_pkey PRIMARY KEY (version)
);

CREATE TABLE tasker.task_namespaces (
    task_namespace_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    name text NOT NULL,
    description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT task_namespaces_name_check CHECK (name ~ '^[a-z0-9_]{1,40}$'::text),
    CONSTRAINT task_namespaces_name_key UNIQUE (name),
    CONSTRAINT task_namespaces_pkey PRIMARY KEY (task_namespace_uuid)
);

CREATE TABLE tasker.task_transitions (
    task_uuid uuid NOT NULL,
    sort_key integer NOT NULL,
    from_state text,
    to_state text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT task_transitions_pkey PRIMARY KEY (task_uuid, sort_key),
    CONSTRAINT task_transitions_task_uuid_fkey FOREIGN KEY (task_uuid) REFERENCES tasker.tasks(task_uuid) ON DELETE CASCADE
);

CREATE TABLE tasker.tasks (
    task_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    named_task_uuid uuid NOT NULL,
    current_state text DEFAULT 'pending'::text NOT NULL,
    context jsonb DEFAULT '{}'::jsonb NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    correlation_id uuid DEFAULT tasker.uuid_v7() NOT NULL,
    identity_hash text NOT NULL,
    initiator text,
    source_system text,
    reason text,
    requested_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    complete boolean DEFAULT false NOT NULL,
    ready_at timestamp with time zone DEFAULT now(),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tasks_current_state_check CHECK (current_state = ANY (ARRAY['pending'::text, 'initializing'::text, 'enqueuing_steps'::text, 'steps_in_process'::text, 'evaluating_results'::text, 'waiting_for_dependencies'::text, 'waiting_for_retry'::text, 'blocked_by_failures'::text, 'complete'::text, 'error'::text, 'cancelled'::text, 'resolved_manually'::text])),
    CONSTRAINT tasks_identity_hash_key UNIQUE (identity_hash),
    CONSTRAINT tasks_named_task_uuid_fkey FOREIGN KEY (named_task_uuid) REFERENCES tasker.named_tasks(named_task_uuid),
    CONSTRAINT tasks_pkey PRIMARY KEY (task_uuid)
);

CREATE TABLE tasker.workflow_step_edges (
    workflow_step_edge_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    from_step_uuid uuid NOT NULL,
    to_step_uuid uuid NOT NULL,
    name text DEFAULT 'provides'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT workflow_step_edges_check CHECK (from_step_uuid <> to_step_uuid),
    CONSTRAINT workflow_step_edges_from_step_uuid_fkey FOREIGN KEY (from_step_uuid) REFERENCES tasker.workflow_steps(workflow_step_uuid) ON DELETE CASCADE,
    CONSTRAINT workflow_step_edges_from_step_uuid_to_step_uuid_key UNIQUE (from_step_uuid, to_step_uuid),
    CONSTRAINT workflow_step_edges_pkey PRIMARY KEY (workflow_step_edge_uuid),
    CONSTRAINT workflow_step_edges_to_step_uuid_fkey FOREIGN KEY (to_step_uuid) REFERENCES tasker.workflow_steps(workflow_step_uuid) ON DELETE CASCADE
);

CREATE TABLE tasker.workflow_step_transitions (
    workflow_step_uuid uuid NOT NULL,
    sort_key integer NOT NULL,
    from_state text,
    to_state text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT workflow_step_transitions_pkey PRIMARY KEY (workflow_step_uuid, sort_key),
    CONSTRAINT workflow_step_transitions_workflow_step_uuid_fkey FOREIGN KEY (workflow_step_uuid) REFERENCES tasker.workflow_steps(workflow_step_uuid) ON DELETE CASCADE
);

CREATE TABLE tasker.workflow_steps (
    workflow_step_uuid uuid DEFAULT tasker.uuid_v7() NOT NULL,
    task_uuid uuid NOT NULL,
    named_step_uuid uuid NOT NULL,
    current_state text DEFAULT 'pending'::text NOT NULL,
    inputs jsonb DEFAULT '{}'::jsonb NOT NULL,
    results jsonb,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 3 NOT NULL,
    retryable boolean DEFAULT true NOT NULL,
    backoff_request_seconds integer,
    last_attempted_at timestamp with time zone,
    last_failure_at timestamp with time zone,
    in_process boolean DEFAULT false NOT NULL,
    claim_msg_id bigint,
    lease_until timestamp with time zone,
    processed boolean DEFAULT false NOT NULL,
    processed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT workflow_steps_backoff_request_seconds_check CHECK (backoff_request_seconds >= 0),
    CONSTRAINT workflow_steps_current_state_check CHECK (current_state = ANY (ARRAY['pending'::text, 'enqueued'::text, 'in_progress'::text, 'enqueued_for_orchestration'::text, 'enqueued_as_error_for_orchestration'::text, 'waiting_for_retry'::text, 'complete'::text, 'error'::text, 'cancelled'::text, 'resolved_manually'::text])),
    CONSTRAINT workflow_steps_max_attempts_check CHECK (max_attempts >= 1),
    CONSTRAINT workflow_steps_named_step_uuid_fkey FOREIGN KEY (named_step_uuid) REFERENCES tasker.named_steps(named_step_uuid),
    CONSTRAINT workflow_steps_pkey PRIMARY KEY (workflow_step_uuid),
    CONSTRAINT workflow_steps_task_uuid_fkey FOREIGN KEY (task_uuid) REFERENCES tasker.tasks(task_uuid) ON DELETE CASCADE
);

CREATE UNIQUE INDEX allowed_step_transitions_pkey ON tasker.allowed_step_transitions USING btree (from_state, to_state);

CREATE UNIQUE INDEX allowed_task_transitions_pkey ON tasker.allowed_task_transitions USING btree (from_state, to_state);

CREATE UNIQUE INDEX named_steps_named_task_uuid_name_key ON tasker.named_steps USING btree (named_task_uuid, name);

CREATE UNIQUE INDEX named_steps_pkey ON tasker.named_steps USING btree (named_step_uuid);

CREATE UNIQUE INDEX named_tasks_pkey ON tasker.named_tasks USING btree (named_task_uuid);

CREATE UNIQUE INDEX named_tasks_task_namespace_uuid_name_version_key ON tasker.named_tasks USING btree (task_namespace_uuid, name, version);

CREATE UNIQUE INDEX schema_migrations_pkey ON tasker.schema_migrations USING btree (version);

CREATE UNIQUE INDEX task_namespaces_name_key ON tasker.task_namespaces USING btree (name);

CREATE UNIQUE INDEX task_namespaces_pkey ON tasker.task_namespaces USING btree (task_namespace_uuid);

CREATE UNIQUE INDEX task_transitions_pkey ON tasker.task_transitions USING btree (task_uuid, sort_key);

CREATE INDEX tasks_correlation_id_idx ON tasker.tasks USING btree (correlation_id);

CREATE UNIQUE INDEX tasks_identity_hash_key ON tasker.tasks USING btree (identity_hash);

CREATE UNIQUE INDEX tasks_pkey ON tasker.tasks USING btree (task_uuid);

CREATE INDEX tasks_ready_score_idx ON tasker.tasks USING btree (tasker._task_score(priority, requested_at) DESC) INCLUDE (ready_at) WHERE (ready_at IS NOT NULL);

CREATE UNIQUE INDEX workflow_step_edges_from_step_uuid_to_step_uuid_key ON tasker.workflow_step_edges USING btree (from_step_uuid, to_step_uuid);

CREATE UNIQUE INDEX workflow_step_edges_pkey ON tasker.workflow_step_edges USING btree (workflow_step_edge_uuid);

CREATE INDEX workflow_step_edges_to_step_idx ON tasker.workflow_step_edges USING btree (to_step_uuid) INCLUDE (from_step_uuid);

CREATE UNIQUE INDEX workflow_step_transitions_pkey ON tasker.workflow_step_transitions USING btree (workflow_step_uuid, sort_key);

CREATE UNIQUE INDEX workflow_steps_pkey ON tasker.workflow_steps USING btree (workflow_step_uuid);

CREATE INDEX workflow_steps_task_uuid_idx ON tasker.workflow_steps USING btree (task_uuid);

CREATE TRIGGER tasks_initial_transition AFTER INSERT ON tasker.tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasker._record_initial_task_transitions();

CREATE TRIGGER workflow_steps_initial_transition AFTER INSERT ON tasker.workflow_steps REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tasker._record_initial_step_transitions();

CREATE OR REPLACE FUNCTION tasker._advance_task(p_task_uuid uuid, p_path text[], p_metadata jsonb DEFAULT '{}'::jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_last text := p_path[cardinality(p_path)];
  v_bad integer;
BEGIN
  SELECT min(i) INTO v_bad FROM generate_subscripts(p_path, 1) i
  WHERE i > 1 AND NOT EXISTS (
    SELECT FROM tasker.allowed_task_transitions a WHERE a.from_state = p_path[i - 1] AND a.to_state = p_path[i]);
  IF v_bad IS NOT NULL THEN
    PERFORM tasker._raise_illegal_transition('task', p_path[v_bad - 1], p_path[v_bad]);
  END IF;

  UPDATE tasker.tasks t
  SET current_state = v_last,
    ready_at = tasker._task_ready_at(t.task_uuid, v_last, t.requested_at),
    complete = v_last = 'complete',
    completed_at = CASE WHEN v_last = 'complete' THEN now() END,
    updated_at = now()
  WHERE t.task_uuid = p_task_uuid AND t.current_state = p_path[1];
  IF NOT FOUND THEN
    RETURN false;
  END IF;

  PERFORM tasker._record_task_transitions(p_task_uuid, p_path, p_metadata);
  RETURN true;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._archive_step_message(queue_name text, msg_id bigint, step_uuid uuid)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_step text;
BEGIN
  EXECUTE format('SELECT m.message->>''step_uuid'' FROM pgmq.%I m WHERE m.msg_id = $1', 'q_' || queue_name)
    INTO v_step USING msg_id;
  IF v_step IS DISTINCT FROM step_uuid::text THEN
    RETURN false;
  END IF;
  RETURN pgmq.archive(queue_name, msg_id);
END
$function$;

CREATE OR REPLACE FUNCTION tasker._claim_outcome(p_queue text, p_msg_id bigint, p_vt timestamp with time zone, p_step uuid, p_worker_id text)
 RETURNS text
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  s record;
  v_outcome text;
BEGIN
  SELECT ws.current_state, ws.claim_msg_id, ws.lease_until, ws.last_attempted_at, t.current_state AS task_state
  INTO s
  FROM tasker.workflow_steps ws JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
  WHERE ws.workflow_step_uuid = p_step
  FOR NO KEY UPDATE OF ws;
  IF NOT FOUND OR s.task_state IN ('complete', 'error', 'cancelled', 'resolved_manually')
     OR s.current_state <> 'in_progress' THEN
    v_outcome := 'finished';
  -- (a claim without a recorded lease: its attempt's start plus this read's vt)
  ELSIF coalesce(s.lease_until, s.last_attempted_at + (p_vt - clock_timestamp())) <= clock_timestamp() THEN
    v_outcome := 'reclaimed';
  ELSIF s.claim_msg_id IS NOT DISTINCT FROM p_msg_id THEN
    v_outcome := 'lease_held';
  ELSE
    v_outcome := 'duplicate';
  END IF;

  IF v_outcome = 'reclaimed' THEN
    UPDATE tasker.workflow_steps ws
    SET attempts = ws.attempts + 1, last_attempted_at = now(), updated_at = now(),
      claim_msg_id = p_msg_id, lease_until = p_vt
    WHERE ws.workflow_step_uuid = p_step;
    PERFORM tasker._record_step_transitions(p_step, ARRAY['in_progress', 'in_progress'],
      jsonb_build_object('msg_id', p_msg_id, 'worker_id', p_worker_id, 'lease_until', p_vt, 'reclaimed', true));
  ELSIF v_outcome IN ('duplicate', 'finished') THEN
    PERFORM pgmq.archive(p_queue, p_msg_id);
  END IF;
  RETURN v_outcome;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._enqueue_ready_steps(p_task_uuid uuid, p_namespace text, p_correlation_id uuid, OUT enqueued integer, OUT discovery_ms double precision, OUT mark_ms double precision, OUT publish_ms double precision)
 RETURNS record
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_t0 timestamptz := clock_timestamp();
  v_t1 timestamptz;
  v_t2 timestamptz;
  v_ready uuid[];
  v_moved uuid[];
BEGIN
  -- the shared discovery query (04_step_readiness.sql), whose plan is tuned for exactly this walk
  SELECT coalesce(array_agg(r.workflow_step_uuid ORDER BY r.workflow_step_uuid), '{}') INTO v_ready
  FROM tasker.get_ready_steps(ARRAY[p_task_uuid]) r;
  v_t1 := clock_timestamp();
  discovery_ms := extract(epoch FROM v_t1 - v_t0) * 1000;
  IF cardinality(v_ready) = 0 THEN
    enqueued := 0; mark_ms := 0; publish_ms := 0;
    RETURN;
  END IF;

  SELECT coalesce(array_agg(m ORDER BY m), '{}') INTO v_moved
  FROM tasker._transition_steps(v_ready, 'enqueued') m;
  v_t2 := clock_timestamp();
  mark_ms := extract(epoch FROM v_t2 - v_t1) * 1000;

  PERFORM tasker.pgmq_send_batch_with_notify(
    'worker_' || p_namespace || '_queue',
    ARRAY(SELECT jsonb_build_object('task_uuid', p_task_uuid, 'step_uuid', m, 'correlation_id', p_correlation_id)
          FROM unnest(v_moved) m));
  publish_ms := extract(epoch FROM clock_timestamp() - v_t2) * 1000;
  enqueued := cardinality(v_moved);
END
$function$;

CREATE OR REPLACE FUNCTION tasker._evaluate_task(p_task_uuid uuid, OUT task_state text, OUT enqueued integer, OUT discovery_ms double precision, OUT mark_ms double precision, OUT publish_ms double precision)
 RETURNS record
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_state text;
  v_ns text;
  v_correlation uuid;
  v_enq record;
  v_ctx record;
  v_target text[];
BEGIN
  enqueued := 0; discovery_ms := 0; mark_ms := 0; publish_ms := 0;
  SELECT t.current_state, tn.name, t.correlation_id INTO v_state, v_ns, v_correlation
  FROM tasker.tasks t
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = t.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  WHERE t.task_uuid = p_task_uuid
  FOR NO KEY UPDATE OF t;
  task_state := v_state;
  -- only resting states are evaluated (the others exist only inside a transaction, or are final)
  IF v_state IS NULL OR v_state NOT IN
     ('steps_in_process', 'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures') THEN
    RETURN;
  END IF;

  v_enq := tasker._enqueue_ready_steps(p_task_uuid, v_ns, v_correlation);
  enqueued := v_enq.enqueued; discovery_ms := v_enq.discovery_ms;
  mark_ms := v_enq.mark_ms; publish_ms := v_enq.publish_ms;
  IF v_enq.enqueued > 0 THEN
    v_target := ARRAY['evaluating_results', 'enqueuing_steps', 'steps_in_process'];
  ELSE
    SELECT * INTO v_ctx FROM tasker.get_task_execution_context(p_task_uuid);
    v_target := CASE v_ctx.execution_status
      WHEN 'all_complete' THEN ARRAY['evaluating_results', 'complete']
      WHEN 'blocked_by_failures' THEN ARRAY['evaluating_results', 'blocked_by_failures', 'error']
      WHEN 'processing' THEN
        CASE WHEN v_state IN ('steps_in_process', 'waiting_for_dependencies') THEN NULL
             ELSE ARRAY['evaluating_results', 'waiting_for_dependencies'] END
      ELSE
        CASE WHEN v_ctx.next_retry_at IS NOT NULL OR v_ctx.execution_status = 'has_ready_steps'
               THEN CASE WHEN v_state = 'waiting_for_retry' THEN NULL
                         ELSE ARRAY['evaluating_results', 'waiting_for_retry'] END
             WHEN v_state = 'waiting_for_dependencies' THEN NULL
             ELSE ARRAY['evaluating_results', 'waiting_for_dependencies'] END
    END;
  END IF;

  IF v_target IS NULL THEN
    -- no state change; keep ready_at exact so the poller does not pick the task up for nothing
    UPDATE tasker.tasks t SET ready_at = tasker._task_ready_at(t.task_uuid, t.current_state, t.requested_at)
    WHERE t.task_uuid = p_task_uuid
      AND t.ready_at IS DISTINCT FROM tasker._task_ready_at(t.task_uuid, t.current_state, t.requested_at);
    RETURN;
  END IF;
  PERFORM tasker._advance_task(p_task_uuid, array_prepend(v_state, v_target));
  task_state := v_target[cardinality(v_target)];
  IF task_state IN ('complete', 'error') THEN
    PERFORM tasker._notify_task_finished(p_task_uuid, task_state, v_correlation);
  END IF;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._next_retry_at(attempts integer, backoff_request_seconds integer, last_attempted_at timestamp with time zone, last_failure_at timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE PARALLEL SAFE
RETURN CASE WHEN ((backoff_request_seconds IS NOT NULL) AND (last_attempted_at IS NOT NULL)) THEN (last_attempted_at + make_interval(secs => (backoff_request_seconds)::double precision)) WHEN (last_failure_at IS NOT NULL) THEN (last_failure_at + make_interval(secs => LEAST(power((2)::double precision, (attempts)::double precision), (60)::double precision))) ELSE NULL::timestamp with time zone END;

CREATE OR REPLACE FUNCTION tasker._notify_task_finished(p_task_uuid uuid, p_state text, p_correlation_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_payload text;
BEGIN
  v_payload := jsonb_build_object(
    'task_uuid', p_task_uuid, 'state', p_state, 'correlation_id', p_correlation_id,
    'failed_step', CASE WHEN p_state = 'error' THEN (
      SELECT jsonb_build_object('step_uuid', s.workflow_step_uuid, 'name', ns.name, 'attempts', s.attempts)
      FROM tasker.workflow_steps s JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid
      WHERE s.task_uuid = p_task_uuid AND s.current_state = 'error'
      ORDER BY s.workflow_step_uuid LIMIT 1) END)::text;
  PERFORM pg_notify('task_completed', v_payload), pg_notify('task_completed.' || p_task_uuid, v_payload);
END
$function$;

CREATE OR REPLACE FUNCTION tasker._queue_namespace(queue_name text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
AS $function$
DECLARE
  v_queue text := lower(queue_name);
  v_ns    text;
BEGIN
  IF v_queue IS NULL OR v_queue !~ '^[a-z0-9_]{1,47}$' THEN
    RAISE EXCEPTION 'invalid queue name "%" for a notifying send: use 1 to 47 letters, digits or underscores',
      queue_name
      USING ERRCODE = 'TKM01';
  END IF;
  IF length(v_queue) > 13 AND left(v_queue, 7) = 'worker_' AND right(v_queue, 6) = '_queue' THEN
    v_ns := substr(v_queue, 8, length(v_queue) - 13);
  ELSIF left(v_queue, 13) = 'orchestration' THEN
    v_ns := 'orchestration';
  ELSE
    v_ns := v_queue;
  END IF;
  IF length(v_ns) > 44 THEN
    RAISE EXCEPTION 'invalid queue name "%" for a notifying send: its namespace "%" is % characters, the maximum is 44',
      queue_name, v_ns, length(v_ns)
      USING ERRCODE = 'TKM01',
            HINT = 'The channel pgmq_message_ready.<namespace> must fit in 63 bytes; use a shorter name or worker_<ns>_queue.';
  END IF;
  RETURN v_ns;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._raise_illegal_transition(entity text, from_state text, to_state text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  allowed text;
BEGIN
  IF entity = 'task' THEN
    SELECT string_agg(a.to_state, ', ' ORDER BY a.to_state) INTO allowed
    FROM tasker.allowed_task_transitions a WHERE a.from_state = _raise_illegal_transition.from_state;
  ELSE
    SELECT string_agg(a.to_state, ', ' ORDER BY a.to_state) INTO allowed
    FROM tasker.allowed_step_transitions a WHERE a.from_state = _raise_illegal_transition.from_state;
  END IF;
  RAISE EXCEPTION 'illegal % transition from % to %', entity, coalesce(from_state, 'NULL'), coalesce(to_state, 'NULL')
    USING ERRCODE = 'TK001',
      HINT = format('%s allows: %s', coalesce(from_state, 'NULL'), coalesce(allowed, 'nothing (terminal state)'));
END
$function$;

CREATE OR REPLACE FUNCTION tasker._record_initial_step_transitions()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, sort_key)
  SELECT n.workflow_step_uuid, NULL, n.current_state, 0 FROM new_rows n;
  RETURN NULL;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._record_initial_task_transitions()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, sort_key)
  SELECT n.task_uuid, NULL, n.current_state, 0 FROM new_rows n;
  RETURN NULL;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._record_step_transitions(p_step uuid, p_path text[], p_metadata jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_prev integer;
BEGIN
  SELECT max(st.sort_key) INTO v_prev FROM tasker.workflow_step_transitions st WHERE st.workflow_step_uuid = p_step;
  INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
  SELECT p_step, p_path[i - 1], p_path[i],
    CASE WHEN i = cardinality(p_path) THEN coalesce(p_metadata, '{}') ELSE '{}' END,
    coalesce(v_prev, -1) + i - 1
  FROM generate_series(2, cardinality(p_path)) i;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._record_task_transitions(p_task uuid, p_path text[], p_metadata jsonb DEFAULT '{}'::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_prev integer;
BEGIN
  SELECT max(tt.sort_key) INTO v_prev FROM tasker.task_transitions tt WHERE tt.task_uuid = p_task;
  INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, metadata, sort_key)
  SELECT p_task, p_path[i - 1], p_path[i], coalesce(p_metadata, '{}'), coalesce(v_prev, -1) + i - 1
  FROM generate_series(2, cardinality(p_path)) i;
END
$function$;

CREATE OR REPLACE FUNCTION tasker._resolve_template(p_namespace text, p_name text, p_version text)
 RETURNS TABLE(named_task_uuid uuid, version text, configuration jsonb)
 LANGUAGE sql
 STABLE
BEGIN ATOMIC
 SELECT nt.named_task_uuid,
     nt.version,
     nt.configuration
    FROM (tasker.named_tasks nt
      JOIN tasker.task_namespaces tn ON ((tn.task_namespace_uuid = nt.task_namespace_uuid)))
   WHERE ((tn.name = _resolve_template.p_namespace) AND (nt.name = _resolve_template.p_name) AND ((_resolve_template.p_version IS NULL) OR (nt.version = _resolve_template.p_version)))
   ORDER BY
         CASE
             WHEN (nt.version ~ '^\d+\.\d+\.\d+$'::text) THEN (string_to_array(nt.version, '.'::text))::integer[]
             ELSE NULL::integer[]
         END DESC NULLS LAST
  LIMIT 1;
END;

CREATE OR REPLACE FUNCTION tasker._step_dependencies(p_step uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
 SET enable_hashjoin TO 'off'
 SET enable_mergejoin TO 'off'
 SET enable_bitmapscan TO 'off'
BEGIN ATOMIC
 WITH RECURSIVE ancestors(uuid, distance) AS (
          SELECT e.from_step_uuid,
             1 AS "?column?"
            FROM tasker.workflow_step_edges e
           WHERE (e.to_step_uuid = _step_dependencies.p_step)
         UNION
          SELECT e.from_step_uuid,
             (a.distance + 1)
            FROM (ancestors a
              JOIN tasker.workflow_step_edges e ON ((e.to_step_uuid = a.uuid)))
         ), nearest AS (
          SELECT a.uuid,
             min(a.distance) AS distance
            FROM ancestors a
           GROUP BY a.uuid
         )
  SELECT COALESCE(jsonb_agg(jsonb_build_object('step_uuid', s.workflow_step_uuid, 'name', ns.name, 'results', s.results, 'distance', n.distance) ORDER BY n.distance, ns.name), '[]'::jsonb) AS "coalesce"
    FROM ((nearest n
      JOIN tasker.workflow_steps s ON ((s.workflow_step_uuid = n.uuid)))
      JOIN tasker.named_steps ns ON ((ns.named_step_uuid = s.named_step_uuid)));
END;

CREATE OR REPLACE FUNCTION tasker._step_readiness(p_task_uuid uuid, p_step_uuids uuid[])
 RETURNS TABLE(workflow_step_uuid uuid, task_uuid uuid, named_step_uuid uuid, name text, handler text, current_state text, dependencies_satisfied boolean, retry_eligible boolean, ready_for_execution boolean, next_retry_at timestamp with time zone, last_failure_at timestamp with time zone, last_attempted_at timestamp with time zone, total_parents integer, completed_parents integer, attempts integer, max_attempts integer, retryable boolean, backoff_request_seconds integer, in_process boolean, processed boolean)
 LANGUAGE sql
 STABLE PARALLEL SAFE
BEGIN ATOMIC
 SELECT s.workflow_step_uuid,
     s.task_uuid,
     s.named_step_uuid,
     ns.name,
     ns.handler,
     s.current_state,
     (p.completed_parents = p.total_parents),
     c.retry_eligible,
     ((s.current_state = ANY (ARRAY['pending'::text, 'waiting_for_retry'::text])) AND (NOT s.in_process) AND (p.completed_parents = p.total_parents) AND c.retry_eligible AND ((c.next_retry_at IS NULL) OR (c.next_retry_at <= now()))),
     c.next_retry_at,
     s.last_failure_at,
     s.last_attempted_at,
     p.total_parents,
     p.completed_parents,
     s.attempts,
     s.max_attempts,
     s.retryable,
     s.backoff_request_seconds,
     s.in_process,
     s.processed
    FROM (((tasker.workflow_steps s
      JOIN tasker.named_steps ns ON ((ns.named_step_uuid = s.named_step_uuid)))
      CROSS JOIN LATERAL ( SELECT (count(*))::integer AS total_parents,
             (count(*) FILTER (WHERE (ps.current_state = ANY (ARRAY['complete'::text, 'resolved_manually'::text]))))::integer AS completed_parents
            FROM (tasker.workflow_step_edges e
              JOIN tasker.workflow_steps ps ON ((ps.workflow_step_uuid = e.from_step_uuid)))
           WHERE (e.to_step_uuid = s.workflow_step_uuid)) p)
      CROSS JOIN LATERAL ( SELECT ((s.attempts = 0) OR (s.retryable AND (s.attempts < s.max_attempts))) AS retry_eligible,
             tasker._next_retry_at(s.attempts, s.backoff_request_seconds, s.last_attempted_at, s.last_failure_at) AS next_retry_at) c)
   WHERE ((s.task_uuid = _step_readiness.p_task_uuid) AND ((_step_readiness.p_step_uuids IS NULL) OR (s.workflow_step_uuid = ANY (_step_readiness.p_step_uuids))));
END;

CREATE OR REPLACE FUNCTION tasker._task_ready_at(task_uuid uuid, task_state text, requested_at timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
BEGIN
  IF task_state = 'pending' THEN
    RETURN requested_at;
  ELSIF task_state IN ('complete', 'error', 'cancelled', 'resolved_manually') THEN
    RETURN NULL;
  END IF;
  RETURN (
    SELECT min(coalesce(r.next_retry_at, '-infinity'))
    FROM tasker._step_readiness(_task_ready_at.task_uuid, NULL) r
    WHERE r.current_state IN ('pending', 'waiting_for_retry') AND NOT r.in_process
      AND r.dependencies_satisfied AND r.retry_eligible);
END
$function$;

CREATE OR REPLACE FUNCTION tasker._task_score(priority integer, requested_at timestamp with time zone)
 RETURNS double precision
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
RETURN ((priority)::double precision - ((EXTRACT(epoch FROM (requested_at - '1970-01-01 00:00:00+00'::timestamp with time zone)))::double precision / (300)::double precision));

CREATE OR REPLACE FUNCTION tasker._transition_steps(p_step_uuids uuid[], p_to_state text, p_metadata jsonb DEFAULT '{}'::jsonb)
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_moved uuid[];
BEGIN
  -- two statements: the update takes the step rows (waiting for any concurrent writer), and the
  -- append, a new statement with a new snapshot, then sees each step's latest transition; the row
  -- locks keep it the latest until commit
  WITH moved AS (
    UPDATE tasker.workflow_steps s
    SET current_state = p_to_state,
      attempts = s.attempts + (p_to_state = 'in_progress')::integer,
      last_attempted_at = CASE WHEN p_to_state = 'in_progress' THEN now() ELSE s.last_attempted_at END,
      last_failure_at = CASE WHEN p_to_state = 'enqueued_as_error_for_orchestration' THEN now()
        ELSE s.last_failure_at END,
      in_process = p_to_state IN
        ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'),
      processed = s.processed OR p_to_state IN ('complete', 'resolved_manually'),
      processed_at = CASE WHEN p_to_state IN ('complete', 'resolved_manually') THEN now() ELSE s.processed_at END,
      updated_at = now()
    WHERE s.workflow_step_uuid = ANY (p_step_uuids)
      AND EXISTS (SELECT FROM tasker.allowed_step_transitions a
                  WHERE a.from_state = s.current_state AND a.to_state = p_to_state)
    RETURNING s.workflow_step_uuid
  )
  SELECT coalesce(array_agg(m.workflow_step_uuid), '{}') INTO v_moved FROM moved m;
  IF cardinality(v_moved) > 0 THEN
    -- from_state: the step's latest recorded state, the one it just left
    INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
    SELECT u.uuid, l.to_state, p_to_state, coalesce(p_metadata, '{}'), l.sort_key + 1
    FROM unnest(v_moved) u(uuid)
    CROSS JOIN LATERAL (
      SELECT st.to_state, st.sort_key FROM tasker.workflow_step_transitions st
      WHERE st.workflow_step_uuid = u.uuid ORDER BY st.sort_key DESC LIMIT 1) l;
  END IF;
  RETURN QUERY SELECT unnest(v_moved);
END
$function$;

CREATE OR REPLACE FUNCTION tasker._uuid_v7_portable()
 RETURNS uuid
 LANGUAGE sql
 PARALLEL SAFE
BEGIN ATOMIC
 SELECT (encode(set_bit(set_bit(OVERLAY(uuid_send(gen_random_uuid()) PLACING SUBSTRING(int8send((floor((EXTRACT(epoch FROM clock_timestamp()) * (1000)::numeric)))::bigint) FROM 3) FROM 1 FOR 6), (52)::bigint, 1), (53)::bigint, 1), 'hex'::text))::uuid AS encode;
END;

CREATE OR REPLACE FUNCTION tasker.cancel_task(p_task_uuid uuid, OUT outcome text, OUT task_state text, OUT steps_cancelled integer)
 RETURNS record
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_correlation uuid;
BEGIN
  steps_cancelled := 0;
  SELECT t.current_state, t.correlation_id INTO task_state, v_correlation
  FROM tasker.tasks t WHERE t.task_uuid = p_task_uuid
  FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    outcome := 'unknown_task';
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT FROM tasker.allowed_task_transitions a
                 WHERE a.from_state = task_state AND a.to_state = 'cancelled') THEN
    outcome := 'not_cancellable';
    RETURN;
  END IF;
  SELECT count(*) INTO steps_cancelled
  FROM tasker._transition_steps(
    ARRAY(SELECT s.workflow_step_uuid FROM tasker.workflow_steps s WHERE s.task_uuid = p_task_uuid),
    'cancelled', '{"reason": "task cancelled"}');
  PERFORM tasker._advance_task(p_task_uuid, ARRAY[task_state, 'cancelled']);
  PERFORM tasker._notify_task_finished(p_task_uuid, 'cancelled', v_correlation);
  outcome := 'cancelled';
  task_state := 'cancelled';
END
$function$;

CREATE OR REPLACE FUNCTION tasker.claim_step_messages(queue_name text, vt integer, qty integer, worker_id text DEFAULT NULL::text)
 RETURNS TABLE(msg_id bigint, read_ct integer, outcome text, task_uuid uuid, step_uuid uuid, correlation_id uuid, step_name text, handler text, attempt integer, max_attempts integer, retryable boolean, inputs jsonb, task_context jsonb, dependencies jsonb)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
  m record;
  c record;
  v_step uuid;
  v_ids bigint[];
  v_reads integer[];
  v_vts timestamptz[];
  v_bodies jsonb[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT array_agg(r.msg_id ORDER BY r.msg_id), array_agg(r.read_ct ORDER BY r.msg_id),
    array_agg(r.vt ORDER BY r.msg_id), array_agg(r.message ORDER BY r.msg_id)
  INTO v_ids, v_reads, v_vts, v_bodies
  FROM pgmq.read(queue_name, vt, qty) r;
  IF v_ids IS NULL THEN
    RETURN;
  END IF;

  -- the common case for every message at once: its step enqueued and its task running, claimed by
  -- one UPDATE (which also returns the handler's context) and one audit insert; a message whose
  -- step another message of the read already claimed (a duplicate) matches no row the second time
  FOR m IN
    WITH msgs AS (
      SELECT u.ord, u.msg_id, u.read_ct, u.vt, u.body,
        CASE WHEN coalesce(u.body->>'step_uuid', '') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          THEN (u.body->>'step_uuid')::uuid END AS step
      FROM unnest(v_ids, v_reads, v_vts, v_bodies) WITH ORDINALITY u(msg_id, read_ct, vt, body, ord)
    ), claimed AS (
      UPDATE tasker.workflow_steps ws
      SET current_state = 'in_progress', attempts = ws.attempts + 1, last_attempted_at = now(),
        in_process = true, updated_at = now(), claim_msg_id = g.msg_id, lease_until = g.vt
      FROM (SELECT DISTINCT ON (x.step) x.* FROM msgs x WHERE x.step IS NOT NULL ORDER BY x.step, x.ord) g,
        tasker.tasks t, tasker.named_steps ns
      WHERE ws.workflow_step_uuid = g.step AND ws.current_state = 'enqueued'
        AND t.task_uuid = ws.task_uuid
        AND t.current_state NOT IN ('complete', 'error', 'cancelled', 'resolved_manually')
        AND ns.named_step_uuid = ws.named_step_uuid
      RETURNING g.ord, ws.task_uuid, t.correlation_id, ns.name, ns.handler, ws.attempts, ws.max_attempts,
        ws.retryable, ws.inputs, t.context, g.msg_id, g.vt
    ), audit AS (
      INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
      SELECT x.step, 'enqueued', 'in_progress',
        jsonb_build_object('msg_id', cl.msg_id, 'worker_id', worker_id, 'lease_until', cl.vt),
        coalesce(l.sort_key, -1) + 1
      FROM claimed cl
      JOIN msgs x ON x.ord = cl.ord
      CROSS JOIN LATERAL (SELECT max(st.sort_key) AS sort_key FROM tasker.workflow_step_transitions st
                          WHERE st.workflow_step_uuid = x.step) l
    )
    SELECT x.ord, x.msg_id, x.read_ct, x.vt, x.step, cl.ord IS NOT NULL AS claimed, cl.task_uuid,
      cl.correlation_id, cl.name, cl.handler, cl.attempts, cl.max_attempts, cl.retryable, cl.inputs, cl.context
    FROM msgs x LEFT JOIN claimed cl ON cl.ord = x.ord
    ORDER BY x.ord
  LOOP
    msg_id := m.msg_id; read_ct := m.read_ct;
    task_uuid := NULL; step_uuid := NULL; correlation_id := NULL; step_name := NULL; handler := NULL;
    attempt := NULL; max_attempts := NULL; retryable := NULL; inputs := NULL; task_context := NULL;
    dependencies := NULL;
    IF m.step IS NULL THEN
      outcome := 'invalid';
      PERFORM pgmq.archive(queue_name, m.msg_id);
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_step := m.step;
    step_uuid := v_step;
    IF m.claimed THEN
      outcome := 'claimed';
      task_uuid := m.task_uuid; correlation_id := m.correlation_id; step_name := m.name; handler := m.handler;
      attempt := m.attempts; max_attempts := m.max_attempts; retryable := m.retryable; inputs := m.inputs;
      task_context := m.context;
      dependencies := tasker._step_dependencies(v_step);
      RETURN NEXT;
      CONTINUE;
    END IF;
    -- every other message: the rare outcomes, one at a time
    outcome := tasker._claim_outcome(queue_name, m.msg_id, m.vt, v_step, worker_id);
    IF outcome = 'reclaimed' THEN
      SELECT ws.task_uuid, t.correlation_id, ns.name, ns.handler, ws.attempts, ws.max_attempts,
        ws.retryable, ws.inputs, t.context
      INTO c
      FROM tasker.workflow_steps ws
      JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
      JOIN tasker.named_steps ns ON ns.named_step_uuid = ws.named_step_uuid
      WHERE ws.workflow_step_uuid = v_step;
      task_uuid := c.task_uuid; correlation_id := c.correlation_id; step_name := c.name; handler := c.handler;
      attempt := c.attempts; max_attempts := c.max_attempts; retryable := c.retryable; inputs := c.inputs;
      task_context := c.context;
      dependencies := tasker._step_dependencies(v_step);
    ELSE
      SELECT ws.task_uuid INTO task_uuid FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = v_step;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.complete_step(queue_name text, msg_id bigint, step_uuid uuid, attempt integer, results jsonb, claim_qty integer DEFAULT 0, vt integer DEFAULT 30, worker_id text DEFAULT NULL::text)
 RETURNS TABLE(status text, claimed_msg_id bigint, read_ct integer, outcome text, task_uuid uuid, claimed_step_uuid uuid, correlation_id uuid, step_name text, handler text, claimed_attempt integer, max_attempts integer, retryable boolean, inputs jsonb, task_context jsonb, dependencies jsonb)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_variable
DECLARE
  v_step uuid := complete_step.step_uuid;
  v_task uuid;
  t record;
  v_ready uuid[];
  v_claim uuid[];
  v_rest uuid[];
  v_child uuid;
  v_msg bigint;
  v_vt timestamptz;
  v_left integer;
  v_in_flight integer;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  -- the step's task never changes, so reading it unlocked is safe; then task before step
  SELECT ws.task_uuid INTO v_task FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = v_step;
  IF FOUND THEN
    SELECT tk.current_state, tk.ready_at, tk.correlation_id, tk.context INTO t
    FROM tasker.tasks tk WHERE tk.task_uuid = v_task FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND OR t.current_state <> 'steps_in_process' OR t.ready_at IS NOT NULL THEN
    status := tasker.submit_step_result_inline(queue_name, msg_id, v_step, attempt,
      'enqueued_for_orchestration', results);
    RETURN NEXT;
    RETURN;
  END IF;

  UPDATE tasker.workflow_steps ws
  SET current_state = 'complete', results = complete_step.results, in_process = false, processed = true,
    processed_at = now(), updated_at = now(), claim_msg_id = NULL, lease_until = NULL
  WHERE ws.workflow_step_uuid = v_step AND ws.current_state = 'in_progress' AND ws.attempts = attempt
    AND ws.claim_msg_id = msg_id;
  IF NOT FOUND THEN
    -- fenced or stale: the general path says which (and archives a stale message)
    status := tasker.submit_step_result_inline(queue_name, msg_id, v_step, attempt,
      'enqueued_for_orchestration', results);
    RETURN NEXT;
    RETURN;
  END IF;
  PERFORM tasker._record_step_transitions(v_step,
    ARRAY['in_progress', 'enqueued_for_orchestration', 'complete'],
    jsonb_build_object('attempt', attempt, 'msg_id', msg_id, 'handoff', 'inline'));
  -- deleted, not archived: the step's audit trail already records the message (msg_id, attempt,
  -- worker), and moving it into pgmq.a_<queue> cost 0.3 ms of the ~1.3 ms a completion took
  -- (measured on one connection, 300 linear tasks) and an archive that grows without bound
  PERFORM pgmq.delete(queue_name, msg_id);
  status := 'submitted';

  -- children whose every parent is now complete (pending children only: a pending step has never
  -- run, so it is retry-eligible with no backoff — the readiness rule of 04_step_readiness.sql reduces to this)
  SELECT coalesce(array_agg(c.workflow_step_uuid ORDER BY c.workflow_step_uuid), '{}') INTO v_ready
  FROM tasker.workflow_step_edges e
  JOIN tasker.workflow_steps c ON c.workflow_step_uuid = e.to_step_uuid
  WHERE e.from_step_uuid = v_step AND c.current_state = 'pending' AND NOT c.in_process
    AND NOT EXISTS (
      SELECT FROM tasker.workflow_step_edges pe
      JOIN tasker.workflow_steps p ON p.workflow_step_uuid = pe.from_step_uuid
      WHERE pe.to_step_uuid = c.workflow_step_uuid AND p.current_state NOT IN ('complete', 'resolved_manually'));

  IF cardinality(v_ready) > 0 THEN
    v_claim := v_ready[1:greatest(coalesce(claim_qty, 0), 0)];
    v_rest := v_ready[greatest(coalesce(claim_qty, 0), 0) + 1:];
    IF cardinality(v_rest) > 0 THEN
      -- the set-based state change every enqueuer uses (02_state_machine.sql)
      PERFORM tasker._transition_steps(v_rest, 'enqueued');
      PERFORM tasker.pgmq_send_batch_with_notify(queue_name,
        ARRAY(SELECT jsonb_build_object('task_uuid', v_task, 'step_uuid', r, 'correlation_id', t.correlation_id)
              FROM unnest(v_rest) r));
    END IF;
    FOREACH v_child IN ARRAY v_claim LOOP
      -- the message is sent hidden for the lease: this worker runs the step now; if it dies, the
      -- message reappears after vt and the claim is taken over like any other
      SELECT id INTO v_msg FROM pgmq.send(queue_name,
        jsonb_build_object('task_uuid', v_task, 'step_uuid', v_child, 'correlation_id', t.correlation_id),
        vt) AS id;
      v_vt := clock_timestamp() + make_interval(secs => vt);
      UPDATE tasker.workflow_steps ws
      SET current_state = 'in_progress', attempts = ws.attempts + 1, last_attempted_at = now(),
        in_process = true, updated_at = now(), claim_msg_id = v_msg, lease_until = v_vt
      FROM tasker.named_steps ns
      WHERE ws.workflow_step_uuid = v_child AND ns.named_step_uuid = ws.named_step_uuid
      RETURNING v_msg, 0, 'claimed', v_task, v_child, t.correlation_id, ns.name, ns.handler, ws.attempts,
        ws.max_attempts, ws.retryable, ws.inputs, t.context
      INTO claimed_msg_id, read_ct, outcome, task_uuid, claimed_step_uuid, correlation_id, step_name, handler,
        claimed_attempt, max_attempts, retryable, inputs, task_context;
      PERFORM tasker._record_step_transitions(v_child, ARRAY['pending', 'enqueued', 'in_progress'],
        jsonb_build_object('msg_id', v_msg, 'worker_id', worker_id, 'lease_until', v_vt, 'successor_of', v_step));
      dependencies := tasker._step_dependencies(v_child);
      RETURN NEXT;
    END LOOP;
    IF cardinality(v_claim) = 0 THEN
      RETURN NEXT;
    END IF;
    RETURN;
  END IF;

  -- nothing became ready: the task is finished when every step is, else it waits for the others
  SELECT count(*) FILTER (WHERE s.current_state NOT IN ('complete', 'resolved_manually')),
    count(*) FILTER (WHERE s.in_process)
  INTO v_left, v_in_flight
  FROM tasker.workflow_steps s WHERE s.task_uuid = v_task;
  IF v_left = 0 THEN
    -- _advance_task's hops, without its check of a path that is a constant here
    UPDATE tasker.tasks tk
    SET current_state = 'complete', complete = true, completed_at = now(), ready_at = NULL, updated_at = now()
    WHERE tk.task_uuid = v_task;
    PERFORM tasker._record_task_transitions(v_task, ARRAY['steps_in_process', 'evaluating_results', 'complete']);
    PERFORM tasker._notify_task_finished(v_task, 'complete', t.correlation_id);
  ELSIF v_in_flight = 0 THEN
    -- steps left but none running (a failed or retrying sibling): the general evaluation decides
    PERFORM tasker._evaluate_task(v_task);
  END IF;
  RETURN NEXT;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.complete_steps(queue_name text, msg_ids bigint[], step_uuids uuid[], attempts integer[], results jsonb[], claim_qty integer DEFAULT 0, vt integer DEFAULT 30, worker_id text DEFAULT NULL::text)
 RETURNS TABLE(completed_step_uuid uuid, status text, claimed_msg_id bigint, read_ct integer, outcome text, task_uuid uuid, claimed_step_uuid uuid, correlation_id uuid, step_name text, handler text, claimed_attempt integer, max_attempts integer, retryable boolean, inputs jsonb, task_context jsonb, dependencies jsonb)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_variable
DECLARE
  v_budget integer := greatest(coalesce(claim_qty, 0), 0);
  v_done uuid[];
  v_done_ords bigint[];
  v_done_msgs bigint[];
  v_done_tasks uuid[];
  v_done_corr uuid[];
  v_ready uuid[];
  v_parents uuid[];
  v_claim uuid[];
  v_rest uuid[];
  v_msgs bigint[];
  v_vt timestamptz;
  v_i integer;
  r record;
  q record;
BEGIN
  IF cardinality(msg_ids) IS DISTINCT FROM cardinality(step_uuids)
     OR cardinality(attempts) IS DISTINCT FROM cardinality(step_uuids)
     OR cardinality(results) IS DISTINCT FROM cardinality(step_uuids) THEN
    RAISE EXCEPTION 'complete_steps: arrays of different lengths' USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('synchronous_commit', 'off', true);

  -- every task of the batch, locked in task order (the step's task never changes, so reading it
  -- unlocked first is safe); then the steps the fast path may apply, completed in one statement
  PERFORM FROM tasker.tasks tk
  WHERE tk.task_uuid IN (SELECT ws.task_uuid FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = ANY(step_uuids))
  ORDER BY tk.task_uuid FOR NO KEY UPDATE;

  WITH given AS (
    SELECT DISTINCT ON (u.step) u.step, u.ord, msg_ids[u.ord] AS msg, attempts[u.ord] AS attempt, results[u.ord] AS result
    FROM unnest(step_uuids) WITH ORDINALITY u(step, ord)
    ORDER BY u.step, u.ord
  ), done AS (
    UPDATE tasker.workflow_steps ws
    SET current_state = 'complete', results = g.result, in_process = false, processed = true,
      processed_at = now(), updated_at = now(), claim_msg_id = NULL, lease_until = NULL
    FROM given g, tasker.tasks tk
    WHERE ws.workflow_step_uuid = g.step AND ws.current_state = 'in_progress' AND ws.attempts = g.attempt
      AND ws.claim_msg_id = g.msg AND tk.task_uuid = ws.task_uuid
      AND tk.current_state = 'steps_in_process' AND tk.ready_at IS NULL
    RETURNING g.ord, ws.workflow_step_uuid, g.msg, ws.task_uuid, tk.correlation_id, g.attempt
  ), audit AS (
    -- in_progress → enqueued_for_orchestration → complete, after the step's latest row
    INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
    SELECT d.workflow_step_uuid, h.from_state, h.to_state,
      CASE WHEN h.hop = 2 THEN jsonb_build_object('attempt', d.attempt, 'msg_id', d.msg, 'handoff', 'inline')
        ELSE '{}'::jsonb END,
      coalesce(l.sort_key, -1) + h.hop
    FROM done d
    CROSS JOIN LATERAL (SELECT max(st.sort_key) AS sort_key FROM tasker.workflow_step_transitions st
                        WHERE st.workflow_step_uuid = d.workflow_step_uuid) l
    CROSS JOIN (VALUES (1, 'in_progress', 'enqueued_for_orchestration'),
                       (2, 'enqueued_for_orchestration', 'complete')) h(hop, from_state, to_state)
  )
  SELECT coalesce(array_agg(d.workflow_step_uuid ORDER BY d.task_uuid, d.workflow_step_uuid), '{}'),
    coalesce(array_agg(d.ord), '{}'), coalesce(array_agg(d.msg), '{}'),
    coalesce(array_agg(d.task_uuid), '{}'), coalesce(array_agg(d.correlation_id), '{}')
  INTO v_done, v_done_ords, v_done_msgs, v_done_tasks, v_done_corr FROM done d;

  IF cardinality(v_done) > 0 THEN
    -- deleted, not archived (see complete_step): the audit trail keeps each msg_id
    PERFORM pgmq.delete(queue_name, v_done_msgs);

    -- children whose every parent is now complete (pending, never run: retry-eligible at once)
    SELECT coalesce(array_agg(c.child ORDER BY c.task, c.child), '{}'), coalesce(array_agg(c.parent ORDER BY c.task, c.child), '{}')
    INTO v_ready, v_parents
    FROM (
      SELECT e.to_step_uuid AS child, min(e.from_step_uuid::text)::uuid AS parent, min(cs.task_uuid::text)::uuid AS task
      FROM tasker.workflow_step_edges e
      JOIN tasker.workflow_steps cs ON cs.workflow_step_uuid = e.to_step_uuid
      WHERE e.from_step_uuid = ANY(v_done) AND cs.current_state = 'pending' AND NOT cs.in_process
        AND NOT EXISTS (
          SELECT FROM tasker.workflow_step_edges pe
          JOIN tasker.workflow_steps p ON p.workflow_step_uuid = pe.from_step_uuid
          WHERE pe.to_step_uuid = e.to_step_uuid AND p.current_state NOT IN ('complete', 'resolved_manually'))
      GROUP BY e.to_step_uuid
    ) c;

    v_claim := v_ready[1:v_budget];
    v_rest := v_ready[v_budget + 1:];
    IF cardinality(v_rest) > 0 THEN
      -- the set-based state change every enqueuer uses (02_state_machine.sql)
      PERFORM tasker._transition_steps(v_rest, 'enqueued');
      PERFORM tasker.pgmq_send_batch_with_notify(queue_name,
        ARRAY(SELECT jsonb_build_object('task_uuid', s.task_uuid, 'step_uuid', s.workflow_step_uuid,
                'correlation_id', tk.correlation_id)
              FROM unnest(v_rest) WITH ORDINALITY x(step, ord)
              JOIN tasker.workflow_steps s ON s.workflow_step_uuid = x.step
              JOIN tasker.tasks tk ON tk.task_uuid = s.task_uuid
              ORDER BY x.ord));
    END IF;
    IF cardinality(v_claim) > 0 THEN
      -- sent hidden for the lease: this worker runs them now (see "Successor claim" above)
      v_msgs := ARRAY(SELECT id FROM pgmq.send_batch(queue_name,
        ARRAY(SELECT jsonb_build_object('task_uuid', s.task_uuid, 'step_uuid', s.workflow_step_uuid,
                'correlation_id', tk.correlation_id)
              FROM unnest(v_claim) WITH ORDINALITY x(step, ord)
              JOIN tasker.workflow_steps s ON s.workflow_step_uuid = x.step
              JOIN tasker.tasks tk ON tk.task_uuid = s.task_uuid
              ORDER BY x.ord), vt) AS id);
      v_vt := clock_timestamp() + make_interval(secs => vt);
      FOR r IN
        WITH claimed AS (
          UPDATE tasker.workflow_steps ws
          SET current_state = 'in_progress', attempts = ws.attempts + 1, last_attempted_at = now(),
            in_process = true, updated_at = now(), claim_msg_id = x.msg, lease_until = v_vt
          FROM (SELECT c.step, v_msgs[c.ord] AS msg, v_parents[c.ord] AS parent, c.ord
                FROM unnest(v_claim) WITH ORDINALITY c(step, ord)) x
          WHERE ws.workflow_step_uuid = x.step
          RETURNING x.ord, x.step, x.msg, x.parent, ws.task_uuid, ws.attempts, ws.max_attempts, ws.retryable,
            ws.inputs, ws.named_step_uuid
        ), audit AS (
          INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
          SELECT c.step, h.from_state, h.to_state,
            CASE WHEN h.hop = 2 THEN jsonb_build_object('msg_id', c.msg, 'worker_id', worker_id,
                'lease_until', v_vt, 'successor_of', c.parent) ELSE '{}'::jsonb END,
            coalesce(l.sort_key, -1) + h.hop
          FROM claimed c
          CROSS JOIN LATERAL (SELECT max(st.sort_key) AS sort_key FROM tasker.workflow_step_transitions st
                              WHERE st.workflow_step_uuid = c.step) l
          CROSS JOIN (VALUES (1, 'pending', 'enqueued'), (2, 'enqueued', 'in_progress')) h(hop, from_state, to_state)
        )
        SELECT c.*, tk.correlation_id AS correlation, tk.context, ns.name AS sname, ns.handler AS shandler
        FROM claimed c
        JOIN tasker.tasks tk ON tk.task_uuid = c.task_uuid
        JOIN tasker.named_steps ns ON ns.named_step_uuid = c.named_step_uuid
        ORDER BY c.ord
      LOOP
        completed_step_uuid := r.parent; status := 'submitted'; claimed_msg_id := r.msg; read_ct := 0;
        outcome := 'claimed'; task_uuid := r.task_uuid; claimed_step_uuid := r.step;
        correlation_id := r.correlation; step_name := r.sname; handler := r.shandler;
        claimed_attempt := r.attempts; max_attempts := r.max_attempts; retryable := r.retryable;
        inputs := r.inputs; task_context := r.context; dependencies := tasker._step_dependencies(r.step);
        RETURN NEXT;
      END LOOP;
    END IF;

    -- tasks with every step finished: complete, in one statement (_advance_task's hops, as
    -- complete_step: steps_in_process → evaluating_results → complete), then their notifications
    WITH fin AS (
      SELECT b.task, min(b.correlation::text)::uuid AS correlation
      FROM unnest(v_done_tasks, v_done_corr) b(task, correlation)
      WHERE NOT EXISTS (SELECT FROM tasker.workflow_steps s
                        WHERE s.task_uuid = b.task AND s.current_state NOT IN ('complete', 'resolved_manually'))
      GROUP BY b.task
    ), upd AS (
      UPDATE tasker.tasks tk
      SET current_state = 'complete', complete = true, completed_at = now(), ready_at = NULL, updated_at = now()
      FROM fin WHERE tk.task_uuid = fin.task
      RETURNING tk.task_uuid, fin.correlation
    ), audit AS (
      INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, metadata, sort_key)
      SELECT u.task_uuid, h.from_state, h.to_state, '{}'::jsonb, coalesce(l.sort_key, -1) + h.hop
      FROM upd u
      CROSS JOIN LATERAL (SELECT max(tt.sort_key) AS sort_key FROM tasker.task_transitions tt
                          WHERE tt.task_uuid = u.task_uuid) l
      CROSS JOIN (VALUES (1, 'steps_in_process', 'evaluating_results'),
                         (2, 'evaluating_results', 'complete')) h(hop, from_state, to_state)
    )
    SELECT count(tasker._notify_task_finished(u.task_uuid, 'complete', u.correlation)) INTO v_i FROM upd u;
    -- steps left but none running and none just made ready (a failed or retrying sibling): the
    -- general evaluation decides
    FOR r IN
      SELECT DISTINCT b.task FROM unnest(v_done_tasks) b(task)
      WHERE EXISTS (SELECT FROM tasker.workflow_steps s
                    WHERE s.task_uuid = b.task AND s.current_state NOT IN ('complete', 'resolved_manually'))
        AND NOT EXISTS (SELECT FROM tasker.workflow_steps s WHERE s.task_uuid = b.task AND s.in_process)
      ORDER BY b.task
    LOOP
      PERFORM tasker._evaluate_task(r.task);
    END LOOP;
  END IF;

  -- one status row per step given: the fast path's, then every other through complete_step
  FOR r IN
    SELECT u.step, u.ord, u.ord = ANY(v_done_ords) AS applied
    FROM unnest(step_uuids) WITH ORDINALITY u(step, ord)
    LEFT JOIN tasker.workflow_steps ws ON ws.workflow_step_uuid = u.step
    ORDER BY ws.task_uuid NULLS LAST, u.ord
  LOOP
    completed_step_uuid := r.step; claimed_msg_id := NULL; read_ct := NULL; outcome := NULL; task_uuid := NULL;
    claimed_step_uuid := NULL; correlation_id := NULL; step_name := NULL; handler := NULL;
    claimed_attempt := NULL; max_attempts := NULL; retryable := NULL; inputs := NULL; task_context := NULL;
    dependencies := NULL;
    IF r.applied THEN
      status := 'submitted';
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_i := r.ord;
    FOR q IN SELECT * FROM tasker.complete_step(queue_name, msg_ids[v_i], step_uuids[v_i], attempts[v_i],
        results[v_i], greatest(v_budget - coalesce(cardinality(v_claim), 0), 0), vt, worker_id) LOOP
      completed_step_uuid := step_uuids[v_i];
      status := q.status; claimed_msg_id := q.claimed_msg_id; read_ct := q.read_ct; outcome := q.outcome;
      task_uuid := q.task_uuid; claimed_step_uuid := q.claimed_step_uuid; correlation_id := q.correlation_id;
      step_name := q.step_name; handler := q.handler; claimed_attempt := q.claimed_attempt;
      max_attempts := q.max_attempts; retryable := q.retryable; inputs := q.inputs;
      task_context := q.task_context; dependencies := q.dependencies;
      IF q.claimed_msg_id IS NOT NULL THEN
        v_claim := v_claim || q.claimed_step_uuid;
      END IF;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.create_task(p_namespace text, p_name text, p_version text, p_context jsonb, p_identity_hash text, p_initiator text DEFAULT NULL::text, p_source_system text DEFAULT NULL::text, p_reason text DEFAULT NULL::text, p_tags text[] DEFAULT '{}'::text[], p_priority integer DEFAULT 0, p_correlation_id uuid DEFAULT NULL::uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_t0 timestamptz := clock_timestamp();
  v_t1 timestamptz;
  v_named_task uuid;
  v_version text;
  v_config jsonb;
  v_has_steps boolean;
  v_task record;
  v_existing uuid;
  v_steps jsonb;
  v_roots jsonb[];
BEGIN
  SELECT t.named_task_uuid, t.version, t.configuration INTO v_named_task, v_version, v_config
  FROM tasker._resolve_template(p_namespace, p_name, p_version) t;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no task template %/%@%', p_namespace, p_name, coalesce(p_version, 'latest')
      USING ERRCODE = 'TKT01', HINT = 'Register the template first (registerTemplate).';
  END IF;
  v_has_steps := coalesce(jsonb_array_length(v_config->'steps'), 0) > 0;

  INSERT INTO tasker.tasks (named_task_uuid, current_state, ready_at, complete, completed_at, context,
    tags, priority, correlation_id, identity_hash, initiator, source_system, reason)
  VALUES (v_named_task, CASE WHEN v_has_steps THEN 'steps_in_process' ELSE 'complete' END, NULL,
    NOT v_has_steps, CASE WHEN NOT v_has_steps THEN now() END, coalesce(p_context, '{}'),
    coalesce(p_tags, '{}'), coalesce(p_priority, 0), coalesce(p_correlation_id, tasker.uuid_v7()),
    p_identity_hash, p_initiator, p_source_system, p_reason)
  ON CONFLICT (identity_hash) DO NOTHING
  RETURNING task_uuid, current_state, priority, tags, correlation_id, initiator, source_system, reason,
    requested_at, completed_at, created_at
  INTO v_task;
  IF v_task.task_uuid IS NULL THEN
    SELECT t.task_uuid INTO v_existing FROM tasker.tasks t WHERE t.identity_hash = p_identity_hash;
    RETURN jsonb_build_object('created', false, 'task_uuid', v_existing);
  END IF;

  WITH inserted AS (
    INSERT INTO tasker.workflow_steps (task_uuid, named_step_uuid, current_state, in_process, retryable,
      max_attempts, backoff_request_seconds, inputs)
    SELECT v_task.task_uuid, ns.named_step_uuid,
      CASE WHEN coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0 THEN 'enqueued' ELSE 'pending' END,
      coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0,
      ns.retryable, ns.max_attempts, ns.backoff_seconds, coalesce(s.value->'inputs', '{}')
    FROM jsonb_array_elements(v_config->'steps') WITH ORDINALITY s(value, ord)
    JOIN tasker.named_steps ns ON ns.named_task_uuid = v_named_task AND ns.name = s.value->>'name'
    ORDER BY s.ord
    RETURNING workflow_step_uuid, named_step_uuid, current_state, attempts, max_attempts
  )
  SELECT
    coalesce(jsonb_agg(jsonb_build_object('step_uuid', i.workflow_step_uuid, 'name', ns.name,
      'handler', ns.handler, 'state', i.current_state, 'attempts', i.attempts,
      'max_attempts', i.max_attempts) ORDER BY i.workflow_step_uuid), '[]'),
    array_agg(jsonb_build_object('task_uuid', v_task.task_uuid, 'step_uuid', i.workflow_step_uuid,
      'correlation_id', v_task.correlation_id) ORDER BY i.workflow_step_uuid)
      FILTER (WHERE i.current_state = 'enqueued')
  INTO v_steps, v_roots
  FROM inserted i JOIN tasker.named_steps ns ON ns.named_step_uuid = i.named_step_uuid;

  -- (every step a root: no edges to look for)
  IF cardinality(v_roots) < jsonb_array_length(v_config->'steps') THEN
    INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
    SELECT parent.workflow_step_uuid, child.workflow_step_uuid
    FROM tasker.workflow_steps child
    JOIN tasker.named_steps cns ON cns.named_step_uuid = child.named_step_uuid
    JOIN jsonb_array_elements(v_config->'steps') s ON s->>'name' = cns.name
    CROSS JOIN jsonb_array_elements_text(s->'dependencies') d(dep)
    JOIN tasker.named_steps pns ON pns.named_task_uuid = v_named_task AND pns.name = d.dep
    JOIN tasker.workflow_steps parent ON parent.task_uuid = v_task.task_uuid AND parent.named_step_uuid = pns.named_step_uuid
    WHERE child.task_uuid = v_task.task_uuid;
  END IF;
  v_t1 := clock_timestamp();

  IF cardinality(v_roots) = 1 THEN
    -- the single-message send plans a VALUES insert, about half the batch insert's planning
    PERFORM tasker.pgmq_send_with_notify('worker_' || p_namespace || '_queue', v_roots[1]);
  ELSIF cardinality(v_roots) > 1 THEN
    PERFORM tasker.pgmq_send_batch_with_notify('worker_' || p_namespace || '_queue', v_roots);
  END IF;
  IF NOT v_has_steps THEN
    PERFORM tasker._notify_task_finished(v_task.task_uuid, 'complete', v_task.correlation_id);
  END IF;

  RETURN jsonb_build_object(
    'created', true,
    'enqueued', coalesce(cardinality(v_roots), 0),
    -- discovery and marking are part of the inserts now
    'timings', jsonb_build_object('insert_ms', extract(epoch FROM v_t1 - v_t0) * 1000, 'discovery_ms', 0,
      'mark_ms', 0, 'publish_ms', extract(epoch FROM clock_timestamp() - v_t1) * 1000),
    'task', jsonb_build_object(
        'task_uuid', v_task.task_uuid, 'namespace', p_namespace, 'name', p_name, 'version', v_version,
        'state', v_task.current_state, 'priority', v_task.priority, 'tags', to_jsonb(v_task.tags),
        'correlation_id', v_task.correlation_id, 'initiator', v_task.initiator,
        'source_system', v_task.source_system, 'reason', v_task.reason,
        'requested_at', v_task.requested_at, 'completed_at', v_task.completed_at,
        'created_at', v_task.created_at),
    'steps', v_steps);
END
$function$;

CREATE OR REPLACE FUNCTION tasker.create_tasks(p_tasks jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_t0 timestamptz := clock_timestamp();
  v_t1 timestamptz;
  v_n integer := coalesce(jsonb_array_length(p_tasks), 0);
  v_missing record;
  v_requests jsonb;
  v_existing uuid;
  v_tasks jsonb;
  v_inserted integer;
  v_steps jsonb;
  v_req record;
  v_seen jsonb := '{}';
  v_queue text;
  v_batch jsonb[];
  v_done record;
  v_insert_ms double precision;
  v_publish_ms double precision;
  v_results jsonb;
BEGIN
  IF v_n = 0 THEN
    RETURN '[]'::jsonb;
  END IF;
  -- each request with its template, resolved once; every request must name a registered one
  SELECT jsonb_agg(r.value || jsonb_build_object('idx', r.ord - 1, 'named_task_uuid', t.named_task_uuid,
      'resolved_version', t.version, 'config', t.configuration) ORDER BY r.ord)
  INTO v_requests
  FROM jsonb_array_elements(p_tasks) WITH ORDINALITY r(value, ord)
  LEFT JOIN LATERAL tasker._resolve_template(r.value->>'namespace', r.value->>'name', r.value->>'version') t ON true;
  SELECT (e->>'idx')::integer AS idx, e->>'namespace' AS ns, e->>'name' AS nm, e->>'version' AS ver
  INTO v_missing
  FROM jsonb_array_elements(v_requests) e WHERE e->>'named_task_uuid' IS NULL
  ORDER BY (e->>'idx')::integer LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'no task template %/%@%', v_missing.ns, v_missing.nm, coalesce(v_missing.ver, 'latest')
      USING ERRCODE = 'TKT01', HINT = 'Register the template first (registerTemplate).',
        DETAIL = json_build_object('index', v_missing.idx)::text;
  END IF;

  -- the tasks, created in the state they rest in (steps_in_process, or complete without steps)
  WITH req AS (
    SELECT (e->>'idx')::integer AS idx, e AS q, (e->>'named_task_uuid')::uuid AS named_task_uuid,
      e->>'resolved_version' AS version, e->'config' AS configuration,
      coalesce(jsonb_array_length(e->'config'->'steps'), 0) > 0 AS has_steps
    FROM jsonb_array_elements(v_requests) e
  ), ins AS (
    INSERT INTO tasker.tasks (named_task_uuid, current_state, ready_at, complete, completed_at, context,
      tags, priority, correlation_id, identity_hash, initiator, source_system, reason)
    SELECT req.named_task_uuid, CASE WHEN req.has_steps THEN 'steps_in_process' ELSE 'complete' END, NULL,
      NOT req.has_steps, CASE WHEN NOT req.has_steps THEN now() END, coalesce(req.q->'context', '{}'),
      coalesce(ARRAY(SELECT jsonb_array_elements_text(req.q->'tags')), '{}'),
      coalesce((req.q->>'priority')::integer, 0),
      coalesce((req.q->>'correlation_id')::uuid, tasker.uuid_v7()), req.q->>'identity_hash',
      req.q->>'initiator', req.q->>'source_system', req.q->>'reason'
    FROM req ORDER BY req.idx
    ON CONFLICT (identity_hash) DO NOTHING
    RETURNING task_uuid, identity_hash, current_state, priority, tags, correlation_id, initiator, source_system,
      reason, requested_at, completed_at, created_at
  )
  SELECT jsonb_agg(jsonb_build_object('idx', req.idx, 'named_task_uuid', req.named_task_uuid,
      'namespace', req.q->>'namespace', 'name', req.q->>'name', 'version', req.version,
      'config', req.configuration, 'has_steps', req.has_steps, 'hash', ins.identity_hash,
      'task', jsonb_build_object('task_uuid', ins.task_uuid, 'namespace', req.q->>'namespace',
        'name', req.q->>'name', 'version', req.version, 'state', ins.current_state, 'priority', ins.priority,
        'tags', to_jsonb(ins.tags), 'correlation_id', ins.correlation_id, 'initiator', ins.initiator,
        'source_system', ins.source_system, 'reason', ins.reason, 'requested_at', ins.requested_at,
        'completed_at', ins.completed_at, 'created_at', ins.created_at)) ORDER BY req.idx),
    count(DISTINCT ins.task_uuid)
  INTO v_tasks, v_inserted
  FROM req JOIN ins ON ins.identity_hash = req.q->>'identity_hash';

  IF coalesce(v_inserted, 0) < v_n THEN
    -- the first request that was not created: a repeat of an earlier one, or an existing identity
    FOR v_req IN SELECT r.ord - 1 AS idx, r.value->>'identity_hash' AS hash
                 FROM jsonb_array_elements(p_tasks) WITH ORDINALITY r(value, ord) ORDER BY r.ord LOOP
      IF v_seen ? v_req.hash THEN
        RAISE EXCEPTION 'task % of the batch repeats the identity of task %', v_req.idx, v_seen->>v_req.hash
          USING ERRCODE = 'TKT02',
            DETAIL = json_build_object('index', v_req.idx, 'repeats', (v_seen->>v_req.hash)::integer)::text;
      END IF;
      IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(v_tasks, '[]')) e WHERE e->>'hash' = v_req.hash) THEN
        SELECT t.task_uuid INTO v_existing FROM tasker.tasks t WHERE t.identity_hash = v_req.hash;
        RAISE EXCEPTION 'task % of the batch: a task with the same identity exists: %', v_req.idx, v_existing
          USING ERRCODE = 'TKT02', DETAIL = json_build_object('index', v_req.idx, 'task_uuid', v_existing)::text;
      END IF;
      v_seen := v_seen || jsonb_build_object(v_req.hash, v_req.idx);
    END LOOP;
  END IF;

  -- their steps, roots created enqueued (the insert trigger records each step's first transition)
  WITH t AS (
    SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid, (e->>'named_task_uuid')::uuid AS named_task_uuid,
      e->'config' AS config, (e->>'idx')::integer AS idx
    FROM jsonb_array_elements(v_tasks) e
  ), ins AS (
    INSERT INTO tasker.workflow_steps (task_uuid, named_step_uuid, current_state, in_process, retryable,
      max_attempts, backoff_request_seconds, inputs)
    SELECT t.task_uuid, ns.named_step_uuid,
      CASE WHEN coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0 THEN 'enqueued' ELSE 'pending' END,
      coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0,
      ns.retryable, ns.max_attempts, ns.backoff_seconds, coalesce(s.value->'inputs', '{}')
    FROM t
    CROSS JOIN LATERAL jsonb_array_elements(t.config->'steps') WITH ORDINALITY s(value, ord)
    JOIN tasker.named_steps ns ON ns.named_task_uuid = t.named_task_uuid AND ns.name = s.value->>'name'
    ORDER BY t.idx, s.ord
    RETURNING workflow_step_uuid, task_uuid, named_step_uuid, current_state, attempts, max_attempts
  )
  SELECT jsonb_object_agg(g.task_uuid, g.steps) INTO v_steps
  FROM (
    SELECT i.task_uuid, jsonb_build_object(
        'steps', jsonb_agg(jsonb_build_object('step_uuid', i.workflow_step_uuid, 'name', ns.name,
          'handler', ns.handler, 'state', i.current_state, 'attempts', i.attempts,
          'max_attempts', i.max_attempts) ORDER BY i.workflow_step_uuid),
        'roots', coalesce(jsonb_agg(i.workflow_step_uuid ORDER BY i.workflow_step_uuid)
          FILTER (WHERE i.current_state = 'enqueued'), '[]')) AS steps
    FROM ins i JOIN tasker.named_steps ns ON ns.named_step_uuid = i.named_step_uuid
    GROUP BY i.task_uuid) g;

  -- the edges of the templates that have any
  IF EXISTS (SELECT FROM jsonb_array_elements(v_tasks) e, jsonb_array_elements(e->'config'->'steps') s
             WHERE coalesce(jsonb_array_length(s->'dependencies'), 0) > 0) THEN
    INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
    SELECT parent.workflow_step_uuid, child.workflow_step_uuid
    FROM jsonb_array_elements(v_tasks) e
    CROSS JOIN LATERAL (SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid,
      (e->>'named_task_uuid')::uuid AS named_task_uuid) k
    JOIN tasker.workflow_steps child ON child.task_uuid = k.task_uuid
    JOIN tasker.named_steps cns ON cns.named_step_uuid = child.named_step_uuid
    JOIN jsonb_array_elements(e->'config'->'steps') s ON s->>'name' = cns.name
    CROSS JOIN jsonb_array_elements_text(s->'dependencies') d(dep)
    JOIN tasker.named_steps pns ON pns.named_task_uuid = k.named_task_uuid AND pns.name = d.dep
    JOIN tasker.workflow_steps parent ON parent.task_uuid = k.task_uuid AND parent.named_step_uuid = pns.named_step_uuid;
  END IF;
  v_t1 := clock_timestamp();
  v_insert_ms := extract(epoch FROM v_t1 - v_t0) * 1000 / v_n;

  -- one send (one notification per 256 messages) per queue for the whole batch: the enqueue rule
  FOR v_queue, v_batch IN
    SELECT 'worker_' || (e->>'namespace') || '_queue',
      array_agg(jsonb_build_object('task_uuid', e->'task'->'task_uuid', 'step_uuid', r,
        'correlation_id', e->'task'->'correlation_id') ORDER BY (e->>'idx')::integer, r)
    FROM jsonb_array_elements(v_tasks) e
    CROSS JOIN LATERAL jsonb_array_elements(v_steps->(e->'task'->>'task_uuid')->'roots') r
    GROUP BY 1
  LOOP
    PERFORM tasker.pgmq_send_batch_with_notify(v_queue, v_batch);
  END LOOP;
  FOR v_done IN SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid, (e->'task'->>'correlation_id')::uuid AS correlation_id
                FROM jsonb_array_elements(v_tasks) e WHERE NOT (e->>'has_steps')::boolean LOOP
    PERFORM tasker._notify_task_finished(v_done.task_uuid, 'complete', v_done.correlation_id);
  END LOOP;
  v_publish_ms := extract(epoch FROM clock_timestamp() - v_t1) * 1000 / v_n;

  SELECT jsonb_agg(jsonb_build_object(
      'created', true,
      'enqueued', jsonb_array_length(coalesce(v_steps->(e->'task'->>'task_uuid')->'roots', '[]')),
      -- per task, the batch's times divided evenly
      'timings', jsonb_build_object('insert_ms', v_insert_ms, 'discovery_ms', 0, 'mark_ms', 0,
        'publish_ms', v_publish_ms),
      'task', e->'task',
      'steps', coalesce(v_steps->(e->'task'->>'task_uuid')->'steps', '[]')) ORDER BY (e->>'idx')::integer)
  INTO v_results
  FROM jsonb_array_elements(v_tasks) e;
  RETURN v_results;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.enqueue_due_tasks(p_limit integer DEFAULT 50, OUT tasks integer, OUT enqueued integer)
 RETURNS record
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_task record;
  v_eval record;
BEGIN
  tasks := 0; enqueued := 0;
  FOR v_task IN SELECT r.task_uuid FROM tasker.get_next_ready_tasks(p_limit) r LOOP
    v_eval := tasker._evaluate_task(v_task.task_uuid);
    tasks := tasks + 1;
    enqueued := enqueued + v_eval.enqueued;
  END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.ensure_queues(queue_names text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_queue text;
BEGIN
  FOREACH v_queue IN ARRAY coalesce(queue_names, '{}') LOOP
    IF v_queue IS NULL OR (v_queue <> 'orchestration_step_results' AND v_queue !~ '^worker_[a-z0-9_]{1,40}_queue$') THEN
      RAISE EXCEPTION 'ensure_queues: % is not a tasker queue name',
        CASE WHEN v_queue IS NULL THEN 'NULL' ELSE quote_literal(left(v_queue, 60)) || CASE WHEN length(v_queue) > 60 THEN '…' ELSE '' END END
        USING ERRCODE = 'TKM02', HINT = 'Use worker_<namespace>_queue (namespace: a-z, 0-9, _) or orchestration_step_results.';
    END IF;
    PERFORM pgmq.create(v_queue);
  END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.get_next_ready_tasks(limit_count integer DEFAULT 5)
 RETURNS TABLE(task_uuid uuid, namespace_name text, task_name text, task_version text, current_state text, priority integer, computed_priority double precision, requested_at timestamp with time zone, correlation_id uuid)
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
BEGIN
  -- The claimed rows carry every column returned, so nothing joins back to tasks: under the generic
  -- plan (LIMIT limit_count estimated at 10% of the index) that join was a sequential scan of all
  -- tasks, growing with the table.
  RETURN QUERY
  WITH claimed AS (
    SELECT t.task_uuid, t.named_task_uuid, t.current_state, t.priority, t.requested_at, t.correlation_id,
      tasker._task_score(t.priority, t.requested_at) AS score
    FROM tasker.tasks t
    WHERE t.ready_at IS NOT NULL AND t.ready_at <= now()
    ORDER BY tasker._task_score(t.priority, t.requested_at) DESC
    LIMIT limit_count
    FOR UPDATE OF t SKIP LOCKED
  )
  SELECT c.task_uuid, tn.name, nt.name, nt.version, c.current_state, c.priority,
    c.priority + extract(epoch FROM now() - c.requested_at)::double precision / 300, c.requested_at,
    c.correlation_id
  FROM claimed c
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = c.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  ORDER BY c.score DESC;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.get_ready_steps(task_uuids uuid[])
 RETURNS TABLE(workflow_step_uuid uuid, task_uuid uuid, name text, handler text, namespace_name text, correlation_id uuid, current_state text, attempts integer)
 LANGUAGE plpgsql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT r.workflow_step_uuid, t.task_uuid, r.name, r.handler, tn.name, t.correlation_id, r.current_state,
    r.attempts
  FROM tasker.tasks t
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = t.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  CROSS JOIN LATERAL tasker._step_readiness(t.task_uuid, NULL) r
  WHERE t.task_uuid = ANY (task_uuids) AND r.ready_for_execution
  ORDER BY t.task_uuid, r.workflow_step_uuid;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.get_step_readiness_status(task_uuid uuid, step_uuids uuid[] DEFAULT NULL::uuid[])
 RETURNS TABLE(workflow_step_uuid uuid, named_step_uuid uuid, name text, handler text, current_state text, dependencies_satisfied boolean, retry_eligible boolean, ready_for_execution boolean, next_retry_at timestamp with time zone, last_failure_at timestamp with time zone, last_attempted_at timestamp with time zone, total_parents integer, completed_parents integer, attempts integer, max_attempts integer, retryable boolean, backoff_request_seconds integer, in_process boolean, processed boolean)
 LANGUAGE plpgsql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT r.workflow_step_uuid, r.named_step_uuid, r.name, r.handler, r.current_state,
    r.dependencies_satisfied, r.retry_eligible, r.ready_for_execution, r.next_retry_at, r.last_failure_at,
    r.last_attempted_at, r.total_parents, r.completed_parents, r.attempts, r.max_attempts, r.retryable,
    r.backoff_request_seconds, r.in_process, r.processed
  FROM tasker._step_readiness(get_step_readiness_status.task_uuid, get_step_readiness_status.step_uuids) r
  ORDER BY r.workflow_step_uuid;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.get_step_transitive_dependencies(step_uuid uuid)
 RETURNS TABLE(workflow_step_uuid uuid, name text, current_state text, results jsonb, processed boolean, distance integer)
 LANGUAGE plpgsql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
 SET enable_hashjoin TO 'off'
 SET enable_mergejoin TO 'off'
 SET enable_bitmapscan TO 'off'
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH RECURSIVE ancestors (ancestor_uuid, distance) AS (
    SELECT e.from_step_uuid, 1
    FROM tasker.workflow_step_edges e
    WHERE e.to_step_uuid = get_step_transitive_dependencies.step_uuid
    UNION
    SELECT e.from_step_uuid, a.distance + 1
    FROM ancestors a
    JOIN tasker.workflow_step_edges e ON e.to_step_uuid = a.ancestor_uuid
    WHERE a.distance < 50
  )
  SELECT s.workflow_step_uuid, ns.name, s.current_state, s.results, s.processed, a.distance
  FROM (SELECT ancestor_uuid, min(distance) AS distance FROM ancestors GROUP BY ancestor_uuid) a
  JOIN tasker.workflow_steps s ON s.workflow_step_uuid = a.ancestor_uuid
  JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid
  ORDER BY a.distance, ns.name;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.get_task_execution_context(task_uuid uuid)
 RETURNS TABLE(task_state text, total_steps integer, pending_steps integer, in_progress_steps integer, completed_steps integer, failed_steps integer, waiting_for_retry_steps integer, cancelled_steps integer, ready_steps integer, permanently_blocked_steps integer, next_retry_at timestamp with time zone, execution_status text, recommended_action text, completion_percentage double precision)
 LANGUAGE plpgsql
 STABLE
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT t.current_state, c.total, c.pending, c.in_flight, c.completed, c.failed, c.waiting_for_retry,
    c.cancelled, c.ready, c.blocked, c.next_retry_at,
    CASE
      WHEN c.ready > 0 THEN 'has_ready_steps'
      WHEN c.in_flight > 0 THEN 'processing'
      WHEN c.blocked > 0 THEN 'blocked_by_failures'
      WHEN c.completed = c.total THEN 'all_complete'
      ELSE 'waiting_for_dependencies'
    END,
    CASE
      WHEN c.ready > 0 THEN 'execute_ready_steps'
      WHEN c.in_flight > 0 THEN 'wait_for_completion'
      WHEN c.blocked > 0 THEN 'handle_failures'
      WHEN c.completed = c.total THEN 'finalize_task'
      WHEN c.next_retry_at IS NOT NULL THEN 'wait_for_retry'
      ELSE 'wait_for_dependencies'
    END,
    CASE WHEN c.total = 0 THEN 100 ELSE round(100.0 * c.completed / c.total, 2)::double precision END
  FROM tasker.tasks t
  CROSS JOIN LATERAL (
    SELECT count(*)::integer AS total,
      (count(*) FILTER (WHERE r.current_state = 'pending'))::integer AS pending,
      (count(*) FILTER (WHERE r.current_state IN ('enqueued', 'in_progress', 'enqueued_for_orchestration',
        'enqueued_as_error_for_orchestration')))::integer AS in_flight,
      (count(*) FILTER (WHERE r.current_state IN ('complete', 'resolved_manually')))::integer AS completed,
      (count(*) FILTER (WHERE r.current_state = 'error'))::integer AS failed,
      (count(*) FILTER (WHERE r.current_state = 'waiting_for_retry'))::integer AS waiting_for_retry,
      (count(*) FILTER (WHERE r.current_state = 'cancelled'))::integer AS cancelled,
      (count(*) FILTER (WHERE r.ready_for_execution))::integer AS ready,
      (count(*) FILTER (WHERE r.current_state = 'error'
        OR (r.current_state IN ('pending', 'waiting_for_retry') AND NOT r.retry_eligible)))::integer AS blocked,
      min(r.next_retry_at) FILTER (WHERE r.current_state IN ('pending', 'waiting_for_retry')
        AND r.retry_eligible AND r.next_retry_at > now()) AS next_retry_at
    FROM tasker._step_readiness(t.task_uuid, NULL) r
  ) c
  WHERE t.task_uuid = get_task_execution_context.task_uuid;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.pgmq_send_batch_with_notify(queue_name text, messages jsonb[], delay integer DEFAULT 0)
 RETURNS SETOF bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ns      text := tasker._queue_namespace(queue_name);
  v_queue   text := lower(queue_name);
  v_ids     bigint[];
  v_n       integer;
  v_from    integer := 1;
  v_to      integer;
  v_head    text;
  v_payload text;
BEGIN
  v_n := coalesce(cardinality(messages), 0);
  IF v_n = 0 THEN
    RETURN;
  END IF;
  v_ids := ARRAY(SELECT id FROM pgmq.send_batch(v_queue, messages, delay) AS id);
  -- 256 ids of at most 19 digits keep even a signal-only payload near 5 KB
  WHILE v_from <= v_n LOOP
    v_to := least(v_from + 255, v_n);
    v_head := '{"queue":"' || v_queue || '","namespace":"' || v_ns || '","msg_ids":'
              || array_to_json(v_ids[v_from:v_to])::text;
    v_payload := v_head || ',"messages":' || array_to_json(messages[v_from:v_to])::text
                 || ',"signal_only":false}';
    IF octet_length(v_payload) >= 7000 THEN
      v_payload := v_head || ',"messages":null,"signal_only":true}';
    END IF;
    IF current_setting('tasker.notify', true) IS DISTINCT FROM 'after_commit' THEN
      PERFORM pg_notify('pgmq_message_ready.' || v_ns, v_payload), pg_notify('pgmq_message_ready', v_payload);
    END IF;
    v_from := v_to + 1;
  END LOOP;
  RETURN QUERY SELECT unnest(v_ids);
END
$function$;

CREATE OR REPLACE FUNCTION tasker.pgmq_send_with_notify(queue_name text, message jsonb, delay integer DEFAULT 0)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_ns      text := tasker._queue_namespace(queue_name);
  v_queue   text := lower(queue_name);
  v_id      bigint;
  v_head    text;
  v_payload text;
BEGIN
  SELECT id INTO v_id FROM pgmq.send(v_queue, message, delay) AS id;
  -- queue and namespace are [a-z0-9_] (checked above), so plain concatenation is valid JSON
  v_head := '{"queue":"' || v_queue || '","namespace":"' || v_ns || '","msg_id":' || v_id;
  v_payload := v_head || ',"message":' || coalesce(message::text, 'null') || ',"signal_only":false}';
  IF octet_length(v_payload) >= 7000 THEN
    v_payload := v_head || ',"message":null,"signal_only":true}';
  END IF;
  IF current_setting('tasker.notify', true) IS DISTINCT FROM 'after_commit' THEN
    PERFORM pg_notify('pgmq_message_ready.' || v_ns, v_payload), pg_notify('pgmq_message_ready', v_payload);
  END IF;
  RETURN v_id;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.process_step_result(p_step_uuid uuid, p_queue text DEFAULT NULL::text, p_msg_id bigint DEFAULT NULL::bigint, OUT outcome text, OUT task_uuid uuid, OUT task_state text, OUT enqueued integer, OUT discovery_ms double precision, OUT mark_ms double precision, OUT publish_ms double precision)
 RETURNS record
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
DECLARE
  v_step record;
  v_to text;
  v_eval record;
BEGIN
  -- Asynchronous commit for this transaction only (SET LOCAL), as the worker's claim and submit do:
  -- a crash can lose the last few hundred ms of processed results, never half of one, and a lost one
  -- is processed again because its message is archived in this same transaction. Commits of
  -- notifying transactions are serialised by PostgreSQL, so not waiting for the WAL flush here is
  -- what lets results be processed in parallel. Task creation (an API acknowledgement) stays durable.
  PERFORM set_config('synchronous_commit', 'off', true);
  enqueued := 0; discovery_ms := 0; mark_ms := 0; publish_ms := 0;
  SELECT t.task_uuid, t.current_state INTO task_uuid, task_state
  FROM tasker.tasks t
  WHERE t.task_uuid = (SELECT s.task_uuid FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = p_step_uuid)
  FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    outcome := 'unknown_step';
  ELSE
    SELECT s.current_state, s.retryable, s.attempts, s.max_attempts INTO v_step
    FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = p_step_uuid;
    IF v_step.current_state = 'enqueued_for_orchestration' THEN
      v_to := 'complete';
      outcome := 'completed';
    ELSIF v_step.current_state = 'enqueued_as_error_for_orchestration' THEN
      IF v_step.retryable AND v_step.attempts < v_step.max_attempts THEN
        v_to := 'waiting_for_retry';
        outcome := 'retrying';
      ELSE
        v_to := 'error';
        outcome := 'failed';
      END IF;
    ELSE
      outcome := 'stale';
    END IF;
    IF v_to IS NOT NULL THEN
      IF tasker.transition_step_state_atomic(p_step_uuid, v_step.current_state, v_to) THEN
        v_eval := tasker._evaluate_task(task_uuid);
        task_state := v_eval.task_state; enqueued := v_eval.enqueued; discovery_ms := v_eval.discovery_ms;
        mark_ms := v_eval.mark_ms; publish_ms := v_eval.publish_ms;
      ELSE
        outcome := 'stale';
      END IF;
    END IF;
  END IF;
  IF p_msg_id IS NOT NULL THEN
    PERFORM pgmq.archive(p_queue, p_msg_id);
  END IF;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.register_named_task(p_template jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_namespace text := p_template->>'namespace';
  v_name      text := p_template->>'name';
  v_version   text := p_template->>'version';
  v_ns_uuid   uuid;
  v_task_uuid uuid;
  v_existing  jsonb;
BEGIN
  IF jsonb_typeof(p_template->'steps') IS DISTINCT FROM 'array' OR v_namespace IS NULL OR v_name IS NULL
     OR v_version IS NULL OR EXISTS (
       SELECT FROM jsonb_array_elements(p_template->'steps') s
       WHERE s->>'name' IS NULL OR s->>'handler' IS NULL) THEN
    RAISE EXCEPTION 'malformed template %/%@%: it needs namespace, name, version and steps with name and handler',
      v_namespace, v_name, v_version
      USING ERRCODE = 'TKR02', HINT = 'Pass a template checked by validateTemplate().';
  END IF;

  INSERT INTO tasker.task_namespaces (name) VALUES (v_namespace) ON CONFLICT (name) DO NOTHING;
  SELECT tn.task_namespace_uuid INTO v_ns_uuid FROM tasker.task_namespaces tn WHERE tn.name = v_namespace;

  INSERT INTO tasker.named_tasks (task_namespace_uuid, name, version, description, configuration)
  VALUES (v_ns_uuid, v_name, v_version, p_template->>'description', p_template)
  ON CONFLICT (task_namespace_uuid, name, version) DO NOTHING
  RETURNING named_task_uuid INTO v_task_uuid;

  IF v_task_uuid IS NULL THEN
    SELECT nt.named_task_uuid, nt.configuration INTO v_task_uuid, v_existing
    FROM tasker.named_tasks nt
    WHERE nt.task_namespace_uuid = v_ns_uuid AND nt.name = v_name AND nt.version = v_version;
    IF v_existing->'steps' IS DISTINCT FROM p_template->'steps' THEN
      RAISE EXCEPTION 'template %/%@% is already registered with different steps', v_namespace, v_name, v_version
        USING ERRCODE = 'TKR01', HINT = 'A registered version is immutable: bump the version.';
    END IF;
    RETURN v_task_uuid;
  END IF;

  INSERT INTO tasker.named_steps (named_task_uuid, name, handler, retryable, max_attempts, backoff_seconds)
  SELECT v_task_uuid, s->>'name', s->>'handler',
    coalesce((s->'retry'->>'retryable')::boolean, true),
    coalesce((s->'retry'->>'max_attempts')::integer, 3),
    (s->'retry'->>'backoff_seconds')::integer
  FROM jsonb_array_elements(p_template->'steps') s;

  PERFORM pgmq.create('worker_' || v_namespace || '_queue');
  RETURN v_task_uuid;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.submit_step_result(queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb, retryable boolean DEFAULT NULL::boolean, backoff_request_seconds integer DEFAULT NULL::integer)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
  s record;
BEGIN
  IF status IS NULL OR status NOT IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration') THEN
    RAISE EXCEPTION 'invalid step result status %', coalesce(status, 'NULL')
      USING ERRCODE = 'TKW01',
        HINT = 'use enqueued_for_orchestration or enqueued_as_error_for_orchestration';
  END IF;

  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT ws.current_state, ws.attempts, ws.claim_msg_id, ws.task_uuid, t.correlation_id INTO s
  FROM tasker.workflow_steps ws
  JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
  WHERE ws.workflow_step_uuid = submit_step_result.step_uuid
  FOR NO KEY UPDATE OF ws;

  IF NOT FOUND OR s.current_state <> 'in_progress' THEN
    -- an enqueued step waits for this message: the caller's claim was lost (see "Durability")
    IF NOT FOUND OR s.current_state <> 'enqueued' THEN
      PERFORM tasker._archive_step_message(queue_name, submit_step_result.msg_id, submit_step_result.step_uuid);
    END IF;
    RETURN 'stale';
  END IF;
  IF s.attempts <> submit_step_result.attempt OR s.claim_msg_id IS DISTINCT FROM submit_step_result.msg_id THEN
    RETURN 'fenced';
  END IF;

  UPDATE tasker.workflow_steps ws
  SET results = submit_step_result.results,
    retryable = ws.retryable AND coalesce(submit_step_result.retryable, true),
    backoff_request_seconds = coalesce(submit_step_result.backoff_request_seconds, ws.backoff_request_seconds)
  WHERE ws.workflow_step_uuid = submit_step_result.step_uuid;
  PERFORM tasker.transition_step_state_atomic(submit_step_result.step_uuid, 'in_progress', status,
    jsonb_build_object('attempt', attempt, 'msg_id', submit_step_result.msg_id));
  PERFORM tasker.pgmq_send_with_notify('orchestration_step_results', jsonb_build_object(
    'task_uuid', s.task_uuid, 'step_uuid', submit_step_result.step_uuid, 'status', status,
    'correlation_id', s.correlation_id));
  PERFORM pgmq.archive(queue_name, submit_step_result.msg_id);
  RETURN 'submitted';
END
$function$;

CREATE OR REPLACE FUNCTION tasker.submit_step_result_inline(queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb, retryable boolean DEFAULT NULL::boolean, backoff_request_seconds integer DEFAULT NULL::integer)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET plan_cache_mode TO 'force_generic_plan'
 SET enable_seqscan TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
  v_task uuid;
  s record;
BEGIN
  IF status IS NULL OR status NOT IN ('enqueued_for_orchestration', 'enqueued_as_error_for_orchestration') THEN
    RAISE EXCEPTION 'invalid step result status %', coalesce(status, 'NULL')
      USING ERRCODE = 'TKW01',
        HINT = 'use enqueued_for_orchestration or enqueued_as_error_for_orchestration';
  END IF;
  PERFORM set_config('synchronous_commit', 'off', true);

  -- task first: the step's task never changes, so reading it unlocked is safe
  SELECT ws.task_uuid INTO v_task
  FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = submit_step_result_inline.step_uuid;
  IF FOUND THEN
    PERFORM FROM tasker.tasks t WHERE t.task_uuid = v_task FOR NO KEY UPDATE;
  END IF;
  SELECT ws.current_state, ws.attempts, ws.claim_msg_id INTO s
  FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = submit_step_result_inline.step_uuid
  FOR NO KEY UPDATE;

  IF NOT FOUND OR s.current_state <> 'in_progress' THEN
    -- an enqueued step waits for this message: the caller's claim was lost (see "Durability")
    IF NOT FOUND OR s.current_state <> 'enqueued' THEN
      PERFORM tasker._archive_step_message(queue_name, submit_step_result_inline.msg_id, submit_step_result_inline.step_uuid);
    END IF;
    RETURN 'stale';
  END IF;
  IF s.attempts <> submit_step_result_inline.attempt
     OR s.claim_msg_id IS DISTINCT FROM submit_step_result_inline.msg_id THEN
    RETURN 'fenced';
  END IF;

  UPDATE tasker.workflow_steps ws
  SET results = submit_step_result_inline.results,
    retryable = ws.retryable AND coalesce(submit_step_result_inline.retryable, true),
    backoff_request_seconds = coalesce(submit_step_result_inline.backoff_request_seconds, ws.backoff_request_seconds)
  WHERE ws.workflow_step_uuid = submit_step_result_inline.step_uuid;
  PERFORM tasker.transition_step_state_atomic(submit_step_result_inline.step_uuid, 'in_progress', status,
    jsonb_build_object('attempt', attempt, 'msg_id', submit_step_result_inline.msg_id, 'handoff', 'inline'));
  PERFORM tasker.process_step_result(submit_step_result_inline.step_uuid);
  PERFORM pgmq.archive(queue_name, submit_step_result_inline.msg_id);
  RETURN 'submitted';
END
$function$;

CREATE OR REPLACE FUNCTION tasker.transition_step_state_atomic(step_uuid uuid, from_state text, to_state text, metadata jsonb DEFAULT '{}'::jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
DECLARE
  affects_readiness boolean := from_state IN ('pending', 'waiting_for_retry', 'complete', 'resolved_manually')
    OR to_state IN ('pending', 'waiting_for_retry', 'complete', 'resolved_manually');
  owner_task uuid;
  owner_state text;
  owner_requested_at timestamptz;
  new_ready_at timestamptz;
BEGIN
  PERFORM FROM tasker.allowed_step_transitions a
  WHERE a.from_state = transition_step_state_atomic.from_state AND a.to_state = transition_step_state_atomic.to_state;
  IF NOT FOUND THEN
    PERFORM tasker._raise_illegal_transition('step', from_state, to_state);
  END IF;

  IF affects_readiness THEN
    SELECT t.task_uuid, t.current_state, t.requested_at INTO owner_task, owner_state, owner_requested_at
    FROM tasker.tasks t
    WHERE t.task_uuid = (SELECT s.task_uuid FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = step_uuid)
    FOR NO KEY UPDATE;
  END IF;

  UPDATE tasker.workflow_steps s
  SET current_state = transition_step_state_atomic.to_state,
    attempts = s.attempts + (transition_step_state_atomic.to_state = 'in_progress')::integer,
    last_attempted_at = CASE WHEN transition_step_state_atomic.to_state = 'in_progress' THEN now()
      ELSE s.last_attempted_at END,
    last_failure_at = CASE WHEN transition_step_state_atomic.to_state = 'enqueued_as_error_for_orchestration'
      THEN now() ELSE s.last_failure_at END,
    in_process = transition_step_state_atomic.to_state IN
      ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'),
    processed = s.processed OR transition_step_state_atomic.to_state IN ('complete', 'resolved_manually'),
    processed_at = CASE WHEN transition_step_state_atomic.to_state IN ('complete', 'resolved_manually')
      THEN now() ELSE s.processed_at END,
    updated_at = now()
  WHERE s.workflow_step_uuid = transition_step_state_atomic.step_uuid
    AND s.current_state = transition_step_state_atomic.from_state;
  IF NOT FOUND THEN
    PERFORM FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = transition_step_state_atomic.step_uuid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no workflow step %', step_uuid USING ERRCODE = 'TK002';
    END IF;
    RETURN false;
  END IF;

  PERFORM tasker._record_step_transitions(step_uuid, ARRAY[from_state, to_state], metadata);

  IF affects_readiness THEN
    new_ready_at := tasker._task_ready_at(owner_task, owner_state, owner_requested_at);
    UPDATE tasker.tasks t SET ready_at = new_ready_at
    WHERE t.task_uuid = owner_task AND t.ready_at IS DISTINCT FROM new_ready_at;
  END IF;
  RETURN true;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.transition_task_state_atomic(task_uuid uuid, from_state text, to_state text, metadata jsonb DEFAULT '{}'::jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
AS $function$
BEGIN
  PERFORM FROM tasker.allowed_task_transitions a
  WHERE a.from_state = transition_task_state_atomic.from_state AND a.to_state = transition_task_state_atomic.to_state;
  IF NOT FOUND THEN
    PERFORM tasker._raise_illegal_transition('task', from_state, to_state);
  END IF;

  UPDATE tasker.tasks t
  SET current_state = transition_task_state_atomic.to_state,
    ready_at = tasker._task_ready_at(t.task_uuid, transition_task_state_atomic.to_state, t.requested_at),
    complete = transition_task_state_atomic.to_state = 'complete',
    completed_at = CASE WHEN transition_task_state_atomic.to_state = 'complete' THEN now() END,
    updated_at = now()
  WHERE t.task_uuid = transition_task_state_atomic.task_uuid
    AND t.current_state = transition_task_state_atomic.from_state;
  IF NOT FOUND THEN
    PERFORM FROM tasker.tasks t WHERE t.task_uuid = transition_task_state_atomic.task_uuid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no task %', task_uuid USING ERRCODE = 'TK002';
    END IF;
    RETURN false;
  END IF;

  PERFORM tasker._record_task_transitions(task_uuid, ARRAY[from_state, to_state], metadata);
  RETURN true;
END
$function$;

CREATE OR REPLACE FUNCTION tasker.uuid_v7()
 RETURNS uuid
 LANGUAGE sql
 PARALLEL SAFE
RETURN uuidv7();

COMMENT ON FUNCTION tasker._archive_step_message(pg_catalog.text,bigint,pg_catalog.uuid) IS 'Archives the message only while it carries the given step (a stale submit''s msg_id may have been reissued after a crash).';

COMMENT ON FUNCTION tasker._queue_namespace(pg_catalog.text) IS 'Namespace of a queue (worker_<ns>_queue -> <ns>, orchestration* -> orchestration, else the name); raises TKM01 for a name unusable in a channel.';

COMMENT ON FUNCTION tasker.cancel_task(pg_catalog.uuid) IS 'Cancels a task and its cancellable steps and notifies task_completed; outcome cancelled / not_cancellable / unknown_task.';

COMMENT ON FUNCTION tasker.claim_step_messages(pg_catalog.text,integer,integer,pg_catalog.text) IS 'Reads up to qty step messages (hidden for vt s) and claims each step (enqueued → in_progress, or the takeover of an expired lease); archives messages that must not run. One row per message with its outcome, and for claimed steps the handler context (attempt is the fencing token).';

COMMENT ON FUNCTION tasker.complete_step(pg_catalog.text,bigint,pg_catalog.uuid,integer,pg_catalog.jsonb,integer,integer,pg_catalog.text) IS 'A worker''s successful step applied in one transaction: step complete, ready children claimed for the caller (up to claim_qty) or enqueued, task finished when nothing is left, message deleted; the general submit_step_result_inline otherwise. Rows: the successors claimed, or one status row.';

COMMENT ON FUNCTION tasker.complete_steps(pg_catalog.text,bigint[],pg_catalog.uuid[],integer[],pg_catalog.jsonb[],integer,integer,pg_catalog.text) IS 'complete_step for a batch of one worker''s successful steps, in task order, one transaction; rows tagged with the step they complete.';

COMMENT ON FUNCTION tasker.create_task(pg_catalog.text,pg_catalog.text,pg_catalog.text,pg_catalog.jsonb,pg_catalog.text,pg_catalog.text,pg_catalog.text,pg_catalog.text,pg_catalog.text[],integer,pg_catalog.uuid) IS 'Creates a task with its steps, edges and transitions from a registered template, its root steps enqueued (state and message committed together); {created:false, task_uuid} for an existing identity_hash. TKT01 for an unknown template.';

COMMENT ON FUNCTION tasker.create_tasks(pg_catalog.jsonb) IS 'Creates several tasks set-based in one transaction, all or nothing: TKT02 for an existing identity (index and task in DETAIL), TKT01 for an unknown template. Returns create_task''s results in order.';

COMMENT ON FUNCTION tasker.enqueue_due_tasks(integer) IS 'Claims due tasks (get_next_ready_tasks, SKIP LOCKED) and enqueues their ready steps (retries whose backoff ran out); returns tasks evaluated and steps enqueued.';

COMMENT ON FUNCTION tasker.ensure_queues(pg_catalog.text[]) IS 'Creates the given tasker queues (worker_<ns>_queue, orchestration_step_results) that do not exist; runs as its owner; TKM02 for another name.';

COMMENT ON FUNCTION tasker.get_next_ready_tasks(integer) IS 'Claims (FOR UPDATE SKIP LOCKED) up to limit_count tasks with work (pending, or a ready step), by priority plus one point per 300 s of age.';

COMMENT ON FUNCTION tasker.get_ready_steps(pg_catalog.uuid[]) IS 'The steps of the given tasks that are ready for execution now, with namespace and correlation id.';

COMMENT ON FUNCTION tasker.get_step_readiness_status(pg_catalog.uuid,pg_catalog.uuid[]) IS 'Per step of a task (or of step_uuids): current state, dependencies_satisfied, retry_eligible, next_retry_at, ready_for_execution, total/completed parents, attempts. Read-only, no locks.';

COMMENT ON FUNCTION tasker.get_step_transitive_dependencies(pg_catalog.uuid) IS 'Every ancestor of a step (depth-capped at 50) with its shortest distance, state and results; nested-loop key lookups only, whatever the statistics were when its plan was cached.';

COMMENT ON FUNCTION tasker.get_task_execution_context(pg_catalog.uuid) IS 'Step counts by state, ready steps, execution_status (has_ready_steps / processing / blocked_by_failures / all_complete / waiting_for_dependencies), recommended_action and completion percentage of one task.';

COMMENT ON FUNCTION tasker.pgmq_send_batch_with_notify(pg_catalog.text,pg_catalog.jsonb[],integer) IS 'Sends messages through pgmq.send_batch and pg_notifies pgmq_message_ready.<namespace> and pgmq_message_ready once per 256 ids (messages inline when under 7000 bytes; no notification when tasker.notify = after_commit); returns the msg_ids in order.';

COMMENT ON FUNCTION tasker.pgmq_send_with_notify(pg_catalog.text,pg_catalog.jsonb,integer) IS 'Sends a message through pgmq.send and pg_notifies pgmq_message_ready.<namespace> and pgmq_message_ready (message inline when the payload is under 7000 bytes, else signal only; no notification when tasker.notify = after_commit); returns the msg_id.';

COMMENT ON FUNCTION tasker.process_step_result(pg_catalog.uuid,pg_catalog.text,bigint) IS 'Applies a step result (complete, retry or error by the step''s state), enqueues newly ready steps, finalizes the task, archives the result message; outcome completed/retrying/failed/stale/unknown_step.';

COMMENT ON FUNCTION tasker.register_named_task(pg_catalog.jsonb) IS 'Registers a workflow template (namespace, named task, named steps, worker queue); idempotent for an identical template, TKR01 if the version exists with different steps. Returns the named_task_uuid.';

COMMENT ON FUNCTION tasker.submit_step_result(pg_catalog.text,bigint,pg_catalog.uuid,integer,pg_catalog.text,pg_catalog.jsonb,boolean,integer) IS 'Hands a claimed step back: CAS in_progress → status under the caller''s attempt (fencing token), results stored, result message sent to orchestration_step_results with notify, claimed message archived. Returns submitted, fenced (taken over since) or stale (no longer in_progress; archived, unless the step is enqueued: a claim lost in a crash, the message left for the next read).';

COMMENT ON FUNCTION tasker.submit_step_result_inline(pg_catalog.text,bigint,pg_catalog.uuid,integer,pg_catalog.text,pg_catalog.jsonb,boolean,integer) IS 'submit_step_result, then process_step_result in the same transaction (no result message): the step is applied, newly ready steps enqueued, the task finalized; locks task then step. Returns submitted, fenced or stale.';

COMMENT ON FUNCTION tasker.transition_step_state_atomic(pg_catalog.uuid,pg_catalog.text,pg_catalog.text,pg_catalog.jsonb) IS 'Compare-and-swap of a workflow step''s state: true if this caller moved it from from_state to to_state, false if it was not in from_state. Raises TK001 for an illegal transition, TK002 for an unknown step.';

COMMENT ON FUNCTION tasker.transition_task_state_atomic(pg_catalog.uuid,pg_catalog.text,pg_catalog.text,pg_catalog.jsonb) IS 'Compare-and-swap of a task''s state: true if this caller moved it from from_state to to_state, false if it was not in from_state. Raises TK001 for an illegal transition, TK002 for an unknown task.';

COMMENT ON FUNCTION tasker.uuid_v7() IS 'A new time-ordered UUIDv7: uuidv7() on PostgreSQL 18+, a portable implementation before.';

-- rows of tasker.allowed_step_transitions (17)
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued', 'in_progress');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued_as_error_for_orchestration', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued_as_error_for_orchestration', 'error');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued_as_error_for_orchestration', 'waiting_for_retry');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued_for_orchestration', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('enqueued_for_orchestration', 'complete');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('error', 'resolved_manually');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('in_progress', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('in_progress', 'enqueued_as_error_for_orchestration');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('in_progress', 'enqueued_for_orchestration');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('pending', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('pending', 'enqueued');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'cancelled');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'enqueued');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'error');
INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'pending');

-- rows of tasker.allowed_task_transitions (30)
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('blocked_by_failures', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('blocked_by_failures', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('blocked_by_failures', 'evaluating_results');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('blocked_by_failures', 'resolved_manually');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('enqueuing_steps', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('enqueuing_steps', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('enqueuing_steps', 'steps_in_process');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('error', 'resolved_manually');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'blocked_by_failures');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'complete');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'enqueuing_steps');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'waiting_for_dependencies');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('evaluating_results', 'waiting_for_retry');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('initializing', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('initializing', 'complete');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('initializing', 'enqueuing_steps');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('initializing', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('pending', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('pending', 'initializing');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('steps_in_process', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('steps_in_process', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('steps_in_process', 'evaluating_results');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_dependencies', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_dependencies', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_dependencies', 'evaluating_results');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'cancelled');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'error');
INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES ('waiting_for_retry', 'evaluating_results');
