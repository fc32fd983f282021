-- Notify after commit: a session can take the NOTIFY of tasker's notifying sends out of its write transactions and send it itself, after the commit.
--
-- Why: PostgreSQL serialises the commits of every transaction that has NOTIFYed (a cluster-wide
-- lock from the pre-commit queue insert to the end of the commit). Sampled pg_stat_activity during
-- the closed-loop throughput bench: submit_step_result and process_step_result spent most of their
-- time waiting on that lock ("Lock: object"), not running; the machine's two cores were half idle.
-- A session with tasker.notify = 'after_commit' (set per connection, e.g. the libpq option
-- -c tasker.notify=after_commit) sends the messages without notifying; the caller sends a
-- signal-only notification on the same channel once its transaction has committed, through a
-- notifier that keeps at most one notification per channel in flight and coalesces the requests
-- made meanwhile into one more (packages/shared/src/queue/afterCommitNotifier.ts). Listeners see
-- the same channels and a payload of the signal-only shape; they read the queue either way.
-- Trade-off: a process that dies between its commit and its notification loses the wake-up, never
-- the message: the listeners' polling fallback finds it within one poll interval.
-- Any other session (the default, the setting unset) notifies inside the transaction as before.
--
-- pgmq_send_with_notify / pgmq_send_batch_with_notify: unchanged contract (see 000002), except that
-- under tasker.notify = 'after_commit' they send without pg_notify.

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
