-- PGMQ-compatible layer, part 6: queue metrics (metrics, metrics_all).

-- metrics: one queue's figures: messages in the queue (queue_length) and visible now
-- (queue_visible_length), age in seconds of the newest and oldest message (NULL when empty),
-- messages ever sent (the msg_id sequence's last value) and the scrape time. Locks: none
-- (a plain scan of the queue table). Returns one pgmq.metrics_result. Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq.metrics(queue_name text)
RETURNS pgmq.metrics_result
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION pgmq.metrics(text) IS
  'Queue length, visible length, newest/oldest message age (s), total messages ever sent, scrape time.';

-- metrics_all: pgmq.metrics for every registered queue, in name order. Locks: none.
-- Returns one pgmq.metrics_result per queue.
CREATE OR REPLACE FUNCTION pgmq.metrics_all()
RETURNS SETOF pgmq.metrics_result
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT r.*
  FROM pgmq.meta AS m CROSS JOIN LATERAL pgmq.metrics(m.queue_name) AS r
  ORDER BY m.queue_name;
END;
COMMENT ON FUNCTION pgmq.metrics_all() IS
  'Metrics for every registered queue.';
