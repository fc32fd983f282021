-- Messaging: PGMQ sends that also wake listeners with pg_notify (pgmq_send_with_notify, pgmq_send_batch_with_notify), and the fixed queue of step results.
--
-- Depends only on the pgmq schema (the real extension or tasker's compatible layer), never on
-- tasker tables. Channels: 'pgmq_message_ready.<namespace>' and the global 'pgmq_message_ready';
-- the namespace comes from the queue name: worker_<ns>_queue -> <ns>, orchestration* ->
-- orchestration, anything else -> the queue name itself.
--
-- Payloads (JSON text, always under NOTIFY's 8000-byte limit):
--   one message: {"queue", "namespace", "msg_id", "message", "signal_only"}
--   a batch:     {"queue", "namespace", "msg_ids", "messages", "signal_only"}
-- "message"/"messages" carry the message(s) when the whole payload stays under 7000 bytes;
-- otherwise they are null and "signal_only" is true (the listener reads the queue instead).
-- A batch sends one notification per channel per 256 ids (one in all but huge batches).
--
-- Notify after commit. PostgreSQL serialises the commits of every transaction that has NOTIFYed (a
-- cluster-wide lock from the pre-commit queue insert to the end of the commit). Sampled
-- pg_stat_activity during the closed-loop throughput bench: submit_step_result and
-- process_step_result spent most of their time waiting on that lock ("Lock: object"), not running,
-- while the machine's two cores were half idle. So a session with tasker.notify = 'after_commit' (set
-- per connection, e.g. the libpq option -c tasker.notify=after_commit) sends the messages without
-- notifying; the caller sends a signal-only notification on the same channel once its transaction
-- has committed, through a notifier that keeps at most one notification per channel in flight and
-- coalesces the requests made meanwhile into one more (packages/shared/src/queue/afterCommitNotifier.ts).
-- Listeners see the same channels and a payload of the signal-only shape; they read the queue either
-- way. Trade-off: a process that dies between its commit and its notification loses the wake-up,
-- never the message: the listeners' polling fallback finds it within one poll interval. Any other
-- session (the default, the setting unset) notifies inside the transaction.
--
-- Errors, class TK (tasker):
--   TKM01  queue name not usable in a channel name (must be [a-z0-9_] after lower-casing, and its
--          namespace at most 44 characters, so the channel fits PostgreSQL's 63-byte identifiers)
--   TKQ01 / TKQ02 are raised by pgmq for a bad or unknown queue.

-- _queue_namespace: validates queue_name for use in a channel name and derives its namespace.
-- Takes no locks. Returns the namespace (lower case, [a-z0-9_]). Raises TKM01.
-- Plain string tests instead of a capturing regex: this runs on every send.
CREATE OR REPLACE FUNCTION tasker._queue_namespace(queue_name text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
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
$$;
COMMENT ON FUNCTION tasker._queue_namespace(text) IS
  'Namespace of a queue (worker_<ns>_queue -> <ns>, orchestration* -> orchestration, else the name); raises TKM01 for a name unusable in a channel.';

-- pgmq_send_with_notify: sends one message through pgmq.send (invisible for delay seconds), then
-- notifies the queue's namespace channel and the global channel, unless the session has
-- tasker.notify = 'after_commit' (see above); listeners get the notification when the caller's
-- transaction commits. Locks: as pgmq.send (ROW EXCLUSIVE on pgmq.q_<queue>); NOTIFY adds a brief
-- global lock at commit that serialises notifying transactions. Returns the new msg_id. Raises TKM01
-- for a name unusable in a channel, TKQ01 / TKQ02 via pgmq.
CREATE OR REPLACE FUNCTION tasker.pgmq_send_with_notify(queue_name text, message jsonb, delay integer DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION tasker.pgmq_send_with_notify(text, jsonb, integer) IS
  'Sends a message through pgmq.send and pg_notifies pgmq_message_ready.<namespace> and pgmq_message_ready (message inline when the payload is under 7000 bytes, else signal only; no notification when tasker.notify = after_commit); returns the msg_id.';

-- pgmq_send_batch_with_notify: sends messages through pgmq.send_batch (invisible for delay
-- seconds), then notifies the namespace channel and the global channel once per 256 ids, each
-- notification carrying its ids (and its messages when the payload stays under 7000 bytes); no
-- notification under tasker.notify = 'after_commit'. Locks: as pgmq.send_batch (ROW EXCLUSIVE on
-- pgmq.q_<queue>). Returns the new msg_ids in the order of messages; an empty or NULL array sends and
-- notifies nothing. Raises TKM01, TKQ01 / TKQ02.
CREATE OR REPLACE FUNCTION tasker.pgmq_send_batch_with_notify(queue_name text, messages jsonb[], delay integer DEFAULT 0)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION tasker.pgmq_send_batch_with_notify(text, jsonb[], integer) IS
  'Sends messages through pgmq.send_batch and pg_notifies pgmq_message_ready.<namespace> and pgmq_message_ready once per 256 ids (messages inline when under 7000 bytes; no notification when tasker.notify = after_commit); returns the msg_ids in order.';

-- The queue workers send step results to (submit_step_result, 11_worker_claim_submit.sql) and the
-- orchestrator's result processor reads (process_step_result, 10_result_processing.sql). Worker
-- queues are created per namespace when a template is registered (08_registry.sql).
SELECT pgmq.create('orchestration_step_results');

-- ensure_queues: creates each of queue_names that does not exist yet, through pgmq.create
-- (idempotent), so a service can make sure the queues it reads exist before it LISTENs and reads.
-- Only tasker's own queues: worker_<namespace>_queue (the name rules of pgmq.create) and
-- orchestration_step_results. Runs as its owner (SECURITY DEFINER): the services' roles
-- (12_access.sql) create no tables of their own, and every queue table belongs to the schema's
-- owner, whose functions read and write it. Locks: as pgmq.create (a per-queue advisory lock in the
-- compatible layer). Returns nothing. Raises TKM02 for another name (the name is not echoed whole).
CREATE OR REPLACE FUNCTION tasker.ensure_queues(queue_names text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION tasker.ensure_queues(text[]) IS
  'Creates the given tasker queues (worker_<ns>_queue, orchestration_step_results) that do not exist; '
  'runs as its owner; TKM02 for another name.';
