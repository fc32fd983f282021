-- PGMQ-compatible layer, part 2: queue lifecycle (acquire_queue_lock, create, create_non_partitioned, create_unlogged, create_partitioned, convert_archive_partitioned, drop_queue, detach_archive, purge_queue, list_queues).

-- _queue_lock_key: the advisory lock key of one queue, hashtext('pgmq.queue_' || stem) as PGMQ 1.5.2
-- keys it (stem: the lower-cased name). Creating and dropping a queue take it for their transaction;
-- acquire_queue_lock takes it for the session. Takes no locks itself. Returns the key.
CREATE OR REPLACE FUNCTION pgmq._queue_lock_key(stem text)
RETURNS bigint
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT hashtext('pgmq.queue_' || stem)::bigint;
END;

-- acquire_queue_lock: takes the queue's advisory lock for the session (pg_advisory_lock; waits while
-- another session holds it or is creating or dropping the queue), so a caller can keep the queue
-- from being created or dropped meanwhile. The queue need not exist. Locks: the session-level
-- advisory lock, held until pg_advisory_unlock(<returned key>) or the session ends. Returns the key.
-- Raises TKQ01 for an invalid name.
CREATE OR REPLACE FUNCTION pgmq.acquire_queue_lock(queue_name text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_key bigint := pgmq._queue_lock_key(pgmq._validate_queue_name(queue_name));
BEGIN
  PERFORM pg_advisory_lock(v_key);
  RETURN v_key;
END
$$;
COMMENT ON FUNCTION pgmq.acquire_queue_lock(text) IS
  'Takes the queue''s session advisory lock (the one create and drop_queue take); returns the key for pg_advisory_unlock.';

-- _create_queue: creates the queue table pgmq.q_<name> (msg_id identity primary key) and its archive
-- pgmq.a_<name>, both UNLOGGED when asked, and registers the queue in pgmq.meta. Unlike PGMQ, neither
-- table has a secondary index: the claim query walks the primary key in msg_id order (oldest first)
-- and filters on vt, so a vt index is never used, yet it cost an index insert on every send and every
-- read (a read rewrites vt, which also ruled out HOT updates); the archive's archived_at index would
-- add a quarter of the WAL that archive() writes, and nothing here queries archives by time.
-- The queue table is filled to half its pages (fillfactor 50), so the one vt rewrite a read makes
-- fits beside the row: a HOT update, no new index entry, and the dead version is pruned in place.
-- Measured in server-side plpgsql loops (commit per call, six to nine alternating runs): read 100 +
-- archive 100 takes a median 2.0 ms against 4.7 ms with the vt index and full pages; send_batch of 100
-- 0.97 ms against 1.16 ms (the index insert saved, part of it spent again on twice the pages).
-- Queues created by earlier versions keep their vt index and fillfactor: correct, only slower.
-- Idempotent: an existing queue is left as it is (a logged queue stays logged). Locks: the queue's
-- advisory lock (pgmq._queue_lock_key) for the transaction, so concurrent creators of one queue queue
-- up instead of colliding on the catalog. Returns nothing. Raises TKQ01 for an invalid name.
CREATE OR REPLACE FUNCTION pgmq._create_queue(queue_name text, unlogged boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;

-- create: creates a (logged) queue; a no-op when it already exists. Locks: see pgmq._create_queue.
-- Returns nothing.
CREATE OR REPLACE FUNCTION pgmq.create(queue_name text)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._create_queue(queue_name, false);
END;
COMMENT ON FUNCTION pgmq.create(text) IS
  'Creates queue tables pgmq.q_<name> and pgmq.a_<name> and registers the queue; idempotent.';

-- create_non_partitioned: the same as create (PGMQ 1.5's create calls it). Locks: see
-- pgmq._create_queue. Returns nothing.
CREATE OR REPLACE FUNCTION pgmq.create_non_partitioned(queue_name text)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._create_queue(queue_name, false);
END;
COMMENT ON FUNCTION pgmq.create_non_partitioned(text) IS
  'Creates an ordinary (logged, unpartitioned) queue, as create does; idempotent.';

-- create_unlogged: creates a queue whose tables are UNLOGGED (faster, emptied after a crash);
-- a no-op when the queue already exists, whatever its kind. Locks: see pgmq._create_queue.
-- Returns nothing.
CREATE OR REPLACE FUNCTION pgmq.create_unlogged(queue_name text)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._create_queue(queue_name, true);
END;
COMMENT ON FUNCTION pgmq.create_unlogged(text) IS
  'Creates a queue with UNLOGGED tables (not crash-safe, faster writes); idempotent.';

-- _refuse_partitioned: raises TKQ03 for a partitioned-queue function (named by what). PGMQ builds a
-- partitioned queue on the pg_partman extension, which creates the partitions ahead of the messages
-- (by msg_id or by time) and drops old ones past the retention; this layer implements no partition
-- maintenance of its own, and a partitioned table without it refuses inserts once its partitions run
-- out, so it refuses instead of creating something that stops working. Takes no locks.
CREATE OR REPLACE FUNCTION pgmq._refuse_partitioned(what text)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  RAISE EXCEPTION '%: partitioned queues are not available in tasker''s PGMQ-compatible layer', what
    USING ERRCODE = 'TKQ03',
          DETAIL = 'PGMQ partitions a queue through the pg_partman extension, which creates and retires its partitions; this layer has no partition maintenance.',
          HINT = 'Use pgmq.create(queue_name) for an ordinary queue, or a server with the pgmq and pg_partman extensions.';
END
$$;

-- create_partitioned: PGMQ's partitioned queue (partition_interval: msg_ids per partition, or a
-- time interval; retention_interval: how much to keep). Not implemented here (see
-- pgmq._refuse_partitioned): checks the name, then raises TKQ03 and creates nothing. Takes no locks.
-- Raises TKQ01 for an invalid name, else TKQ03.
CREATE OR REPLACE FUNCTION pgmq.create_partitioned(
  queue_name text,
  partition_interval text DEFAULT '10000',
  retention_interval text DEFAULT '100000'
)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._validate_queue_name(queue_name);
  SELECT pgmq._refuse_partitioned('create_partitioned');
END;
COMMENT ON FUNCTION pgmq.create_partitioned(text, text, text) IS
  'Not available in the compatible layer (PGMQ builds partitioned queues on pg_partman): raises TKQ03.';

-- convert_archive_partitioned: PGMQ's conversion of a queue's archive into a partitioned table. Not
-- implemented here (see pgmq._refuse_partitioned): raises TKQ03 and changes nothing. Takes no locks.
CREATE OR REPLACE FUNCTION pgmq.convert_archive_partitioned(
  table_name text,
  partition_interval text DEFAULT '10000',
  retention_interval text DEFAULT '100000',
  leading_partition integer DEFAULT 10
)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._refuse_partitioned('convert_archive_partitioned');
END;
COMMENT ON FUNCTION pgmq.convert_archive_partitioned(text, text, text, integer) IS
  'Not available in the compatible layer (PGMQ partitions archives with pg_partman): raises TKQ03.';

-- drop_queue: drops the queue table, its archive and its pgmq.meta row. Locks: the queue's advisory
-- lock for the transaction (waits for a creator, or a holder of acquire_queue_lock), then ACCESS
-- EXCLUSIVE on both tables (waits for every transaction using the queue). Returns true when the
-- queue existed, false (with a NOTICE) when it did not. Raises TKQ01 for an invalid name.
CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION pgmq.drop_queue(text) IS
  'Drops a queue, its archive and its registration; returns false when the queue does not exist.';

-- drop_queue (deprecated form): PGMQ 1.5 keeps drop_queue(queue_name, partitioned) for old callers,
-- ignores partitioned (the queue's kind is in pgmq.meta) and warns that PGMQ 2.0 removes it. Locks:
-- see drop_queue(text). Returns what drop_queue(queue_name) returns.
CREATE OR REPLACE FUNCTION pgmq.drop_queue(queue_name text, partitioned boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  RAISE WARNING 'drop_queue(queue_name, partitioned) is deprecated: use drop_queue(queue_name)';
  RETURN pgmq.drop_queue(queue_name);
END
$$;
COMMENT ON FUNCTION pgmq.drop_queue(text, boolean) IS
  'Deprecated form of drop_queue(queue_name) (partitioned is ignored); warns, then drops the queue.';

-- detach_archive: in PGMQ, removes the queue's archive table from the pgmq extension, so that DROP
-- EXTENSION pgmq keeps it; archive() goes on appending to it. This layer is not an extension, its
-- tables belong to none, so after checking that the queue exists there is nothing to detach:
-- the archive is already kept by everything but drop_queue (which, in PGMQ too, drops it). Takes no
-- locks. Returns nothing. Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq.detach_archive(queue_name text)
RETURNS void
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT pgmq._queue_table(queue_name);
END;
COMMENT ON FUNCTION pgmq.detach_archive(text) IS
  'PGMQ: detaches the archive table from the extension. Compatible layer: no extension to detach from; checks the queue exists.';

-- purge_queue: deletes every message of the queue (the archive is kept). Locks: row locks on
-- every message, so it waits for messages locked by open readers. Returns the number deleted.
-- Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq.purge_queue(queue_name text)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_deleted bigint;
BEGIN
  EXECUTE format('DELETE FROM pgmq.%I', pgmq._queue_table(queue_name));
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END
$$;
COMMENT ON FUNCTION pgmq.purge_queue(text) IS
  'Deletes all messages from a queue (not its archive); returns how many were deleted.';

-- list_queues: the registered queues, oldest first. Takes no locks. Returns one pgmq.queue_record each.
CREATE OR REPLACE FUNCTION pgmq.list_queues()
RETURNS SETOF pgmq.queue_record
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT m.queue_name, m.is_partitioned, m.is_unlogged, m.created_at
  FROM pgmq.meta AS m
  ORDER BY m.created_at, m.queue_name;
END;
COMMENT ON FUNCTION pgmq.list_queues() IS
  'Lists registered queues (queue_name, is_partitioned, is_unlogged, created_at).';
