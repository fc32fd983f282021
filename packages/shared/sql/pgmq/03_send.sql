-- PGMQ-compatible layer, part 3: sending (send, send_batch), one plpgsql insert behind thin SQL overloads.

-- send_batch (the implementation): inserts one message per element of msgs, with the matching
-- element of headers (NULL headers for all when headers is NULL), invisible until delay.
-- Locks: ROW EXCLUSIVE on pgmq.q_<name> (ordinary inserts). Returns the new msg_ids in the
-- order of msgs. Raises TKQ01 / TKQ02, and 22023 when headers and msgs differ in length.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  IF headers IS NOT NULL AND cardinality(headers) <> cardinality(msgs) THEN
    RAISE EXCEPTION 'send_batch: % headers for % messages', cardinality(headers), cardinality(msgs)
      USING ERRCODE = '22023';
  END IF;
  -- one message (every send): VALUES plans in about half the time of unnest, on every call
  IF cardinality(msgs) = 1 THEN
    RETURN QUERY EXECUTE format(
      'INSERT INTO pgmq.%I (vt, message, headers) VALUES ($1, $2, $3) RETURNING msg_id',
      pgmq._queue_table(queue_name))
      USING delay, msgs[1], headers[1];
    RETURN;
  END IF;
  RETURN QUERY EXECUTE format(
    'INSERT INTO pgmq.%I (vt, message, headers)
     SELECT $1, m.message, m.headers FROM unnest($2, $3) AS m(message, headers)
     RETURNING msg_id', pgmq._queue_table(queue_name))
    USING delay, msgs, headers;
END
$$;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], jsonb[], timestamptz) IS
  'Sends messages (with per-message headers) visible from the given time; returns their msg_ids.';

-- send_batch: messages with headers, visible after delay seconds. Returns their msg_ids.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, msgs, headers, clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], jsonb[], integer) IS
  'Sends messages with headers, visible after delay seconds; returns their msg_ids.';

-- send_batch: messages without headers, visible after delay seconds. Returns their msg_ids.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, msgs, NULL::jsonb[], clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], integer) IS
  'Sends messages, visible after delay seconds (default 0); returns their msg_ids in order.';

-- send_batch: messages without headers, visible from the given time. Returns their msg_ids.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, msgs, NULL::jsonb[], delay);
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], timestamptz) IS
  'Sends messages visible from the given time; returns their msg_ids.';

-- send: one message, visible after delay seconds. Locks as send_batch. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, ARRAY[msg], NULL::jsonb[], clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, integer) IS
  'Sends one message, visible after delay seconds (default 0); returns its msg_id.';

-- send: one message with headers, visible after delay seconds. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, ARRAY[msg], ARRAY[headers], clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, jsonb, integer) IS
  'Sends one message with headers, visible after delay seconds; returns its msg_id.';

-- send: one message, visible from the given time. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, ARRAY[msg], NULL::jsonb[], delay);
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, timestamptz) IS
  'Sends one message visible from the given time; returns its msg_id.';

-- send: one message with headers, visible from the given time. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq.send_batch(queue_name, ARRAY[msg], ARRAY[headers], delay);
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, jsonb, timestamptz) IS
  'Sends one message with headers visible from the given time; returns its msg_id.';
