-- PGMQ-compatible layer, part 5: finishing messages (archive moves them to pgmq.a_<name>, delete drops them).

-- archive (batch): moves the given messages from pgmq.q_<name> to pgmq.a_<name> in one statement,
-- stamping archived_at. Locks: row locks on the moved messages (waits for a reader holding one
-- in an open transaction), ROW EXCLUSIVE on both tables. Returns the msg_ids actually archived;
-- ids not in the queue are skipped. Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION pgmq.archive(text, bigint[]) IS
  'Moves messages to the queue''s archive table pgmq.a_<name>; returns the msg_ids archived.';

-- archive (one): archives one message (see the batch form). Returns true when it was archived.
CREATE OR REPLACE FUNCTION pgmq.archive(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT EXISTS (SELECT 1 FROM pgmq.archive(queue_name, ARRAY[msg_id]));
END;
COMMENT ON FUNCTION pgmq.archive(text, bigint) IS
  'Moves one message to the queue''s archive table; returns true when it was archived.';

-- delete (batch): deletes the given messages. Locks: row locks on them (waits for a reader
-- holding one in an open transaction). Returns the msg_ids actually deleted. Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_ids bigint[])
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'DELETE FROM pgmq.%I WHERE msg_id = ANY($1) RETURNING msg_id', pgmq._queue_table(queue_name))
    USING msg_ids;
END
$$;
COMMENT ON FUNCTION pgmq.delete(text, bigint[]) IS
  'Deletes messages from a queue; returns the msg_ids deleted.';

-- delete (one): deletes one message (see the batch form). Returns true when it was deleted.
CREATE OR REPLACE FUNCTION pgmq.delete(queue_name text, msg_id bigint)
RETURNS boolean
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT EXISTS (SELECT 1 FROM pgmq.delete(queue_name, ARRAY[msg_id]));
END;
COMMENT ON FUNCTION pgmq.delete(text, bigint) IS
  'Deletes one message from a queue; returns true when it was deleted.';
