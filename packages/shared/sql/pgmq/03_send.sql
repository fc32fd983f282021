-- PGMQ-compatible layer, part 3: sending (send, send_batch): two plpgsql inserts (one message, a batch) behind thin SQL overloads.
--
-- Hot path: every send is a dynamic statement (the table name depends on the queue), which
-- PostgreSQL parses and plans on every call; what this file can save is everything around it.
-- A single message goes straight to _send_one (a VALUES insert, which plans in about half the time
-- of unnest, its id returned with EXECUTE … INTO: no cursor or tuplestore), not through the batch
-- function as before. The overloads are SQL bodies of one SELECT; PostgreSQL does not inline them
-- (it never inlines a VOLATILE set-returning function: EXPLAIN VERBOSE shows a Function Scan on
-- pgmq.send_batch), so they cost one thin call layer, about 5 µs.

-- _send_one: inserts one message with its headers, invisible until delay. Locks: ROW EXCLUSIVE on
-- pgmq.q_<name> (an ordinary insert). Returns the new msg_id. Raises TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION pgmq._send_one(queue_name text, msg jsonb, headers jsonb, delay timestamptz)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_id bigint;
BEGIN
  EXECUTE format('INSERT INTO pgmq.%I (vt, message, headers) VALUES ($1, $2, $3) RETURNING msg_id',
                 pgmq._queue_table(queue_name))
    INTO v_id
    USING delay, msg, headers;
  RETURN v_id;
END
$$;

-- _send_many: inserts one message per element of msgs, with the matching element of headers (NULL
-- headers for all when headers is NULL), invisible until delay. Locks: ROW EXCLUSIVE on
-- pgmq.q_<name>. Returns the new msg_ids in the order of msgs (identity values are assigned in
-- unnest order); nothing for an empty or NULL msgs. Raises TKQ01 / TKQ02, and 22023 when headers
-- and msgs differ in length.
CREATE OR REPLACE FUNCTION pgmq._send_many(queue_name text, msgs jsonb[], headers jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;

-- send_batch: messages with per-message headers, visible from the given time. Locks: see
-- pgmq._send_many. Returns their msg_ids in order.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq._send_many(queue_name, msgs, headers, delay);
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], jsonb[], timestamptz) IS
  'Sends messages (with per-message headers) visible from the given time; returns their msg_ids.';

-- send_batch: messages with headers, visible after delay seconds. Returns their msg_ids.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq._send_many(queue_name, msgs, headers, clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], jsonb[], integer) IS
  'Sends messages with headers, visible after delay seconds; returns their msg_ids.';

-- send_batch: messages without headers, visible after delay seconds. Returns their msg_ids in order.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq._send_many(queue_name, msgs, NULL::jsonb[], clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], integer) IS
  'Sends messages, visible after delay seconds (default 0); returns their msg_ids in order.';

-- send_batch: messages without headers, visible from the given time. Returns their msg_ids.
CREATE OR REPLACE FUNCTION pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT * FROM pgmq._send_many(queue_name, msgs, NULL::jsonb[], delay);
END;
COMMENT ON FUNCTION pgmq.send_batch(text, jsonb[], timestamptz) IS
  'Sends messages visible from the given time; returns their msg_ids.';

-- send: one message, visible after delay seconds. Locks: see pgmq._send_one. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._send_one(queue_name, msg, NULL::jsonb, clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, integer) IS
  'Sends one message, visible after delay seconds (default 0); returns its msg_id.';

-- send: one message with headers, visible after delay seconds. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._send_one(queue_name, msg, headers, clock_timestamp() + make_interval(secs => delay));
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, jsonb, integer) IS
  'Sends one message with headers, visible after delay seconds; returns its msg_id.';

-- send: one message, visible from the given time. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._send_one(queue_name, msg, NULL::jsonb, delay);
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, timestamptz) IS
  'Sends one message visible from the given time; returns its msg_id.';

-- send: one message with headers, visible from the given time. Returns its msg_id.
CREATE OR REPLACE FUNCTION pgmq.send(queue_name text, msg jsonb, headers jsonb, delay timestamptz)
RETURNS SETOF bigint
LANGUAGE sql VOLATILE
BEGIN ATOMIC
  SELECT pgmq._send_one(queue_name, msg, headers, delay);
END;
COMMENT ON FUNCTION pgmq.send(text, jsonb, jsonb, timestamptz) IS
  'Sends one message with headers visible from the given time; returns its msg_id.';
