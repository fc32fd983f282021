-- Worker hot path in two round trips: claim_step_messages (read + CAS enqueued → in_progress + handler context) and submit_step_result (CAS + result message + archive), or submit_step_result_inline (CAS + the result applied in the same transaction + archive).
--
-- Leases and exactly-once completion. A claimed step's lease is the visibility timeout of the
-- message it was claimed through; `workflow_steps.attempts` is the fencing token: every claim,
-- including the takeover of an expired lease, increments it, and submit_step_result only accepts
-- the attempt number its claim returned. So a handler may run more than once (a worker that
-- stalls past its lease, or dies, is taken over: at-least-once execution), but exactly one
-- attempt completes: the stale worker's submit is fenced out and changes nothing.
--
-- Durability: the three functions commit asynchronously (set_config('synchronous_commit', 'off', true),
-- i.e. SET LOCAL: the caller's transaction only). A server crash can lose the last few hundred ms of
-- them, never half of one, and the lease recovers either loss: a lost claim leaves the step enqueued
-- and its message visible again; a lost submit leaves the step in_progress, so its message comes back
-- after vt and the step is taken over. Anything durable that depends on them (orchestration's
-- synchronous commit of the step's completion) flushes the WAL past them first. Saves a WAL flush
-- (~0.4 ms here) on each of the two round trips every step makes.
--
-- Result hand-off. By default (submit_step_result) the result goes through the queue
-- orchestration_step_results to the orchestrator's process_step_result (10_result_processing.sql),
-- which keeps orchestration the only writer of task states. That hop costs every step a second
-- message (send, read, archive: three dynamic statements), a notification, a wake-up of the
-- orchestrator and a transaction of its own; the e2e phase breakdown shows it as "result queue wait" +
-- "result processing", about a third of a linear workflow's latency. So a worker may opt in
-- (resultHandoff: 'inline') to submit_step_result_inline, which runs the same work at the end of its
-- submit: the step still passes through enqueued_for_orchestration (or the error state) in its audit
-- trail, then process_step_result moves it on, enqueues the steps it made ready and finalizes the
-- task, and the claimed message is archived — one commit. It locks the task row first (FOR NO KEY
-- UPDATE), then the step row — the order orchestration uses (process_step_result, cancel_task,
-- enqueue_due_tasks), so an inline submit never deadlocks with them, and the results of two steps of
-- one task are applied one after the other, as in process_step_result. Exactly-once completion is
-- kept by the same fencing token (attempt).
--
-- Outcomes of a message in claim_step_messages (the worker runs a handler only for the first two):
--   claimed     step enqueued → in_progress (attempts + 1)
--   reclaimed   message redelivered (read_ct > 1), step still in_progress, and the claim's lease
--               has run out (lease_until in the metadata of the step's latest transition: the vt
--               its message got when it was claimed): this claim takes it over (attempts + 1,
--               recorded as an in_progress → in_progress transition with metadata.reclaimed = true)
--   duplicate   step in_progress under another live claim and this message was never read before
--               (a second message for one step): archived
--   lease_held  redelivered, step in_progress, lease not yet run out (the message's vt was cut short,
--               e.g. by pgmq.set_vt): left hidden, so it comes back after vt if the holder never finishes
--   finished    step in any other state (already submitted, complete, cancelled, …) or its task is
--               over (complete, error, cancelled, resolved_manually), or the step is unknown: archived
--   invalid     message without a uuid step_uuid: archived
--
-- Errors, class TK (tasker):
--   TKW01  submit_step_result got a status other than the two orchestration states

-- claim_step_messages: reads up to qty messages of queue_name (pgmq.read, hidden for vt seconds)
-- and for each one decides its outcome (above) and claims its step when it may. Locks: the read
-- messages (FOR UPDATE SKIP LOCKED inside pgmq.read) and each step row (FOR NO KEY UPDATE) until the
-- caller's transaction ends; never the task row, so it cannot deadlock with orchestration (which
-- locks task, then step). Returns one row per message read: for claimed / reclaimed ones everything
-- a handler needs (step, handler name, inputs, task context, attempt = the fencing token, and every
-- ancestor's results as a jsonb array nearest first); for the others only msg_id, read_ct, outcome
-- and the step (when known).
CREATE OR REPLACE FUNCTION tasker.claim_step_messages(
  queue_name text, vt integer, qty integer, worker_id text DEFAULT NULL)
RETURNS TABLE (
  msg_id bigint, read_ct integer, outcome text, task_uuid uuid, step_uuid uuid, correlation_id uuid,
  step_name text, handler text, attempt integer, max_attempts integer, retryable boolean, inputs jsonb,
  task_context jsonb, dependencies jsonb)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
  m record;
  s record;
  v_step uuid;
  v_meta jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR m IN SELECT r.msg_id, r.read_ct, r.vt, r.message FROM pgmq.read(queue_name, vt, qty) r LOOP
    msg_id := m.msg_id;
    read_ct := m.read_ct;
    task_uuid := NULL; step_uuid := NULL; correlation_id := NULL; step_name := NULL; handler := NULL;
    attempt := NULL; max_attempts := NULL; retryable := NULL; inputs := NULL; task_context := NULL;
    dependencies := NULL;

    IF coalesce(m.message->>'step_uuid', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
      outcome := 'invalid';
      PERFORM pgmq.archive(queue_name, m.msg_id);
      RETURN NEXT;
      CONTINUE;
    END IF;
    v_step := (m.message->>'step_uuid')::uuid;
    step_uuid := v_step;

    -- everything the handler needs comes with the lock (attempts as it is now: + 1 if this claims it)
    SELECT ws.current_state AS step_state, ws.last_attempted_at, ws.task_uuid, t.current_state AS task_state,
      t.correlation_id, ns.name, ns.handler, ws.attempts, ws.max_attempts, ws.retryable, ws.inputs, t.context
    INTO s
    FROM tasker.workflow_steps ws
    JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
    JOIN tasker.named_steps ns ON ns.named_step_uuid = ws.named_step_uuid
    WHERE ws.workflow_step_uuid = v_step
    FOR NO KEY UPDATE OF ws;

    IF NOT FOUND OR s.task_state IN ('complete', 'error', 'cancelled', 'resolved_manually') THEN
      outcome := 'finished';
    ELSIF s.step_state = 'enqueued' THEN
      outcome := 'claimed';
    ELSIF s.step_state <> 'in_progress' THEN
      outcome := 'finished';
    ELSIF m.read_ct <= 1 THEN
      outcome := 'duplicate';
    ELSIF coalesce(
        (SELECT (st.metadata->>'lease_until')::timestamptz FROM tasker.workflow_step_transitions st
         WHERE st.workflow_step_uuid = v_step AND st.most_recent),
        s.last_attempted_at + make_interval(secs => vt)) <= clock_timestamp() THEN
      outcome := 'reclaimed';
    ELSE
      outcome := 'lease_held';
    END IF;

    v_meta := jsonb_build_object('msg_id', m.msg_id, 'worker_id', worker_id, 'lease_until', m.vt);
    IF outcome = 'claimed' THEN
      PERFORM tasker.transition_step_state_atomic(v_step, 'enqueued', 'in_progress', v_meta);
    ELSIF outcome = 'reclaimed' THEN
      -- not a state change, so not through transition_step_state_atomic (in_progress → in_progress is
      -- not in the table); the same bookkeeping, and the takeover stays visible in the audit trail
      UPDATE tasker.workflow_steps ws
      SET attempts = ws.attempts + 1, last_attempted_at = now(), updated_at = now()
      WHERE ws.workflow_step_uuid = v_step;
      WITH previous AS (
        UPDATE tasker.workflow_step_transitions st SET most_recent = false
        WHERE st.workflow_step_uuid = v_step AND st.most_recent
        RETURNING st.sort_key
      )
      INSERT INTO tasker.workflow_step_transitions
        (workflow_step_uuid, from_state, to_state, metadata, sort_key, most_recent)
      SELECT v_step, 'in_progress', 'in_progress', v_meta || '{"reclaimed": true}',
        coalesce((SELECT max(p.sort_key) FROM previous p) + 1, 0), true;
    ELSIF outcome <> 'lease_held' THEN
      PERFORM pgmq.archive(queue_name, m.msg_id);
    END IF;

    task_uuid := s.task_uuid;
    IF outcome IN ('claimed', 'reclaimed') THEN
      correlation_id := s.correlation_id; step_name := s.name; handler := s.handler;
      attempt := s.attempts + 1; max_attempts := s.max_attempts; retryable := s.retryable;
      inputs := s.inputs; task_context := s.context;
      -- a root has no ancestors: skip the walk (~0.15 ms of function call and recursive CTE)
      dependencies := '[]'::jsonb;
      IF EXISTS (SELECT FROM tasker.workflow_step_edges e WHERE e.to_step_uuid = v_step) THEN
        SELECT coalesce(jsonb_agg(jsonb_build_object('step_uuid', d.workflow_step_uuid, 'name', d.name,
            'results', d.results, 'distance', d.distance) ORDER BY d.distance, d.name), '[]'::jsonb)
        INTO dependencies
        FROM tasker.get_step_transitive_dependencies(v_step) d;
      END IF;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION tasker.claim_step_messages(text, integer, integer, text) IS
  'Reads up to qty step messages (hidden for vt s) and claims each step: enqueued → in_progress, or the '
  'takeover of an expired lease; archives messages that must not run. One row per message with its '
  'outcome, and for claimed steps the handler context (attempt is the fencing token for submit_step_result).';

-- submit_step_result: hands a claimed step back to orchestration in one transaction. If the step is
-- in_progress under the caller's claim (attempts = attempt): stores results (and, for a failure,
-- retryable = false when the handler said so, and backoff_request_seconds), moves it in_progress →
-- status (enqueued_for_orchestration or enqueued_as_error_for_orchestration), sends
-- {task_uuid, step_uuid, status, correlation_id} to orchestration_step_results with notify, and
-- archives the claimed message. Locks: the step row (FOR NO KEY UPDATE), the message row, and
-- NOTIFY's commit lock. Returns 'submitted'; 'fenced' when another claim took the step over since
-- (nothing changes, the message stays with its new holder); 'stale' when the step is no longer
-- in_progress or does not exist (the message is archived). Raises TKW01 for another status.
CREATE OR REPLACE FUNCTION tasker.submit_step_result(
  queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb,
  retryable boolean DEFAULT NULL, backoff_request_seconds integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
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
  SELECT ws.current_state, ws.attempts, ws.task_uuid, t.correlation_id INTO s
  FROM tasker.workflow_steps ws
  JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
  WHERE ws.workflow_step_uuid = submit_step_result.step_uuid
  FOR NO KEY UPDATE OF ws;

  IF NOT FOUND OR s.current_state <> 'in_progress' THEN
    PERFORM pgmq.archive(queue_name, submit_step_result.msg_id);
    RETURN 'stale';
  END IF;
  IF s.attempts <> submit_step_result.attempt THEN
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
$$;
COMMENT ON FUNCTION tasker.submit_step_result(text, bigint, uuid, integer, text, jsonb, boolean, integer) IS
  'Hands a claimed step back: CAS in_progress → status under the caller''s attempt (fencing token), '
  'results stored, result message sent to orchestration_step_results with notify, claimed message '
  'archived. Returns submitted, fenced (taken over since) or stale (no longer in_progress; archived).';

-- submit_step_result_inline: as submit_step_result (same arguments, same 'submitted' / 'fenced' /
-- 'stale' outcomes, TKW01 for another status), but instead of sending the result message it runs
-- process_step_result on the step in the same transaction (the inline hand-off above). Locks: the
-- task row (FOR NO KEY UPDATE), then the step row, then as process_step_result and pgmq.archive.
-- Returns the outcome.
CREATE OR REPLACE FUNCTION tasker.submit_step_result_inline(
  queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb,
  retryable boolean DEFAULT NULL, backoff_request_seconds integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
  SELECT ws.current_state, ws.attempts INTO s
  FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = submit_step_result_inline.step_uuid
  FOR NO KEY UPDATE;

  IF NOT FOUND OR s.current_state <> 'in_progress' THEN
    PERFORM pgmq.archive(queue_name, submit_step_result_inline.msg_id);
    RETURN 'stale';
  END IF;
  IF s.attempts <> submit_step_result_inline.attempt THEN
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
$$;
COMMENT ON FUNCTION tasker.submit_step_result_inline(text, bigint, uuid, integer, text, jsonb, boolean, integer) IS
  'submit_step_result, then process_step_result in the same transaction (no result message): the step '
  'is applied, newly ready steps enqueued, the task finalized; locks task then step. '
  'Returns submitted, fenced or stale.';
