-- The worker's hot path: claim_step_messages (read + claim + the handler's context, one round trip), then complete_step (a success applied by the worker: the step completed, the children it made ready claimed for that worker or enqueued, the task finished — one round trip), or for a failure submit_step_result_inline; submit_step_result is the queue hand-off to orchestration.
--
-- Leases and exactly-once completion. A claimed step's lease is the visibility timeout of the
-- message it was claimed through, recorded on the step (claim_msg_id, lease_until);
-- `workflow_steps.attempts` is the fencing token: every claim, including the takeover of an expired
-- lease, increments it, and the submit functions only accept the attempt number its claim returned,
-- together with the message it was claimed through (claim_msg_id): a caller that did not claim the
-- step (another worker's claim, or none) is fenced and changes nothing.
-- So a handler may run more than once (a worker that stalls past its lease, or dies, is taken over:
-- at-least-once execution), but exactly one attempt completes: the stale worker's submit is fenced
-- out and changes nothing.
--
-- Durability: every function here commits asynchronously (set_config('synchronous_commit', 'off',
-- true), i.e. SET LOCAL: the caller's transaction only). A server crash can lose the last few hundred
-- ms of them, never half of one, and the lease recovers either loss: a lost claim leaves the step
-- enqueued and its message visible again; a lost completion leaves the step in_progress, so its
-- message comes back after vt and the step is taken over. A worker that still holds a lost claim
-- (its commit was acknowledged, then lost) and submits after the restart finds the step enqueued:
-- the submit is stale and leaves the message, which is the step's delivery — the next read claims
-- the step (archiving it, as for any other stale submit, left the step enqueued with no message:
-- stuck). And a crash can hand out msg_ids again: the identity sequence's advances of the lost
-- transactions are lost with them, so a message sent after the restart may carry the msg_id of a
-- claim a worker still holds from before it. A stale submit therefore archives the message it names
-- only while that message still carries its step (tasker._archive_step_message); archiving by id
-- alone took another step's delivery, and that step stayed enqueued with no message.
-- Saves a WAL flush (~0.4 ms here) on each of the two round trips every step makes.
--
-- Why the hot path is written this way: measured on one connection with pg_stat_statements
-- (track = all), a step of the linear workflow cost 1.3 ms to claim and 2.7 ms to submit inline when
-- both went through the general functions (~40 statements through eight nested PL/pgSQL functions:
-- the transition functions, the evaluation cycle moving the task through three states per result,
-- the readiness walk, ready_at recomputed twice), against a 0.15 ms round trip. So the common case —
-- the message's step is enqueued (claim) / the step succeeded under its claim while its task is
-- running with nothing else scheduled (complete) — runs a handful of key-lookup statements, and every
-- other case falls through to the general functions, which stay the one implementation of the rare
-- outcomes (reclaims, duplicates, stale or fenced submits, retries, failures, a task that is not
-- simply running).
--
-- Successor claim: a worker completing a step passes claim_qty (its free slots). The children the
-- completion made ready, up to claim_qty, are claimed for that worker in the same transaction
-- (pending → enqueued → in_progress, attempts + 1) and their messages sent hidden for vt seconds (the
-- lease); the worker runs them without waiting for a notification and a claim round trip. The rest
-- are enqueued and notified. Recovery is unchanged: a worker that dies leaves the hidden message to
-- reappear after its lease, and the next reader takes the expired claim over. That is why leases live
-- on the step, not in read_ct: a message read for the first time may belong to a live claim.
--
-- Result hand-off. By default (worker resultHandoff 'inline') the worker applies a result itself:
-- complete_step for a success, submit_step_result_inline for a failure (the step passes through
-- enqueued_as_error_for_orchestration in its audit trail, then process_step_result of
-- 10_result_processing.sql moves it on). Both lock the task row first (FOR NO KEY UPDATE), then the
-- step row — the order orchestration uses (process_step_result, cancel_task, enqueue_due_tasks), so
-- they never deadlock with it, and the results of two steps of one task are applied one after the
-- other (no lost fan-in). The queue hand-off (resultHandoff 'queue', submit_step_result) sends the
-- result through orchestration_step_results to the orchestrator's process_step_result, which keeps
-- orchestration the only writer of task states, at the cost of a second message (send, read,
-- archive), a notification, a wake-up of the orchestrator and a transaction per step.
--
-- Outcomes of a message in claim_step_messages (the worker runs a handler only for the first two):
--   claimed     step enqueued → in_progress (attempts + 1)
--   reclaimed   step still in_progress and its claim's lease has run out: this read takes it over
--               (attempts + 1, recorded as an in_progress → in_progress transition with
--               metadata.reclaimed = true)
--   lease_held  step in_progress, lease running, and this is the claim's own message (its vt was cut
--               short, e.g. by pgmq.set_vt): left hidden, so it comes back after vt if the holder never
--               finishes
--   duplicate   step in_progress under a live claim that holds another message: archived
--   finished    step in any other state (already submitted, complete, cancelled, …) or its task is
--               over (complete, error, cancelled, resolved_manually), or the step is unknown: archived
--   invalid     message without a uuid step_uuid: archived
--
-- Errors, class TK (tasker):
--   TKW01  submit_step_result got a status other than the two orchestration states

-- _archive_step_message: archives message msg_id of queue_name if it is still the message of
-- step_uuid (its payload's step_uuid), and says whether it did. A stale submit's msg_id may have been
-- handed out again after a crash (see "Durability" above): by id alone, the archive could take
-- another step's delivery. Locks: the message row (through pgmq.archive). Returns true when archived.
CREATE OR REPLACE FUNCTION tasker._archive_step_message(queue_name text, msg_id bigint, step_uuid uuid)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
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
$$;
COMMENT ON FUNCTION tasker._archive_step_message(text, bigint, uuid) IS
  'Archives the message only while it carries the given step (a stale submit''s msg_id may have been reissued after a crash).';

-- _claim_outcome: the outcome of a message whose step claim_step_messages could not claim directly (step not
-- enqueued, task over, unknown step): reclaimed (step in_progress, lease run out: taken over,
-- attempts + 1, an in_progress → in_progress transition with metadata.reclaimed), lease_held (the
-- claim's own message, lease running: left hidden), duplicate (another message while the lease
-- runs: archived), finished (anything else: archived). Locks the step row FOR NO KEY UPDATE.
-- Returns the outcome.
CREATE OR REPLACE FUNCTION tasker._claim_outcome(
  p_queue text, p_msg_id bigint, p_vt timestamptz, p_step uuid, p_worker_id text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
$$;

-- claim_step_messages: reads up to qty messages of queue_name (pgmq.read, hidden for vt seconds)
-- and for each one decides its outcome (above) and claims its step when it may. The common case —
-- the message's step is enqueued and its task running — is claimed for every message of the read at
-- once: one UPDATE that also returns the handlers' context, one audit insert; every other message
-- goes through tasker._claim_outcome, one by one. Rows in msg_id order. Locks: the read messages
-- (SKIP LOCKED inside pgmq.read) and each step row, never the task row.
CREATE OR REPLACE FUNCTION tasker.claim_step_messages(
  queue_name text, vt integer, qty integer, worker_id text DEFAULT NULL)
RETURNS TABLE (
  msg_id bigint, read_ct integer, outcome text, task_uuid uuid, step_uuid uuid, correlation_id uuid,
  step_name text, handler text, attempt integer, max_attempts integer, retryable boolean, inputs jsonb,
  task_context jsonb, dependencies jsonb)
LANGUAGE plpgsql VOLATILE
-- a worker's entry point: runs as its owner, so the worker role needs no table access (12_access.sql)
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
$$;
COMMENT ON FUNCTION tasker.claim_step_messages(text, integer, integer, text) IS
  'Reads up to qty step messages (hidden for vt s) and claims each step (enqueued → in_progress, or '
  'the takeover of an expired lease); archives messages that must not run. One row per message with '
  'its outcome, and for claimed steps the handler context (attempt is the fencing token).';

-- submit_step_result: hands a claimed step back to orchestration in one transaction. If the step is
-- in_progress under the caller's claim (attempts = attempt): stores results (and, for a failure,
-- retryable = false when the handler said so, and backoff_request_seconds), moves it in_progress →
-- status (enqueued_for_orchestration or enqueued_as_error_for_orchestration), sends
-- {task_uuid, step_uuid, status, correlation_id} to orchestration_step_results with notify, and
-- archives the claimed message. Locks: the step row (FOR NO KEY UPDATE), the message row, and
-- NOTIFY's commit lock. Returns 'submitted'; 'fenced' when another claim took the step over since
-- (nothing changes, the message stays with its new holder); 'stale' when the step is no longer
-- in_progress or does not exist (the message is archived, unless the step is enqueued: then the
-- caller's claim was lost in a crash and the message is the step's delivery, left for the next read).
-- Raises TKW01 for another status.
CREATE OR REPLACE FUNCTION tasker.submit_step_result(
  queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb,
  retryable boolean DEFAULT NULL, backoff_request_seconds integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE
-- a worker's entry point: runs as its owner, so the worker role needs no table access (12_access.sql)
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
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
$$;
COMMENT ON FUNCTION tasker.submit_step_result(text, bigint, uuid, integer, text, jsonb, boolean, integer) IS
  'Hands a claimed step back: CAS in_progress → status under the caller''s attempt (fencing token), '
  'results stored, result message sent to orchestration_step_results with notify, claimed message '
  'archived. Returns submitted, fenced (taken over since) or stale (no longer in_progress; archived, '
  'unless the step is enqueued: a claim lost in a crash, the message left for the next read).';

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
-- a worker's entry point: runs as its owner, so the worker role needs no table access (12_access.sql)
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
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
$$;
COMMENT ON FUNCTION tasker.submit_step_result_inline(text, bigint, uuid, integer, text, jsonb, boolean, integer) IS
  'submit_step_result, then process_step_result in the same transaction (no result message): the step '
  'is applied, newly ready steps enqueued, the task finalized; locks task then step. '
  'Returns submitted, fenced or stale.';

-- complete_step: a worker hands back a step that succeeded under its claim (attempt, the fencing
-- token) and, when that is the whole story — the task is steps_in_process with nothing scheduled
-- (ready_at NULL) — applies it in place: the step → complete (audit: in_progress →
-- enqueued_for_orchestration → complete), its children whose parents are now all complete are
-- claimed for the caller (up to claim_qty, see "Successor claim") or enqueued with notify, the task
-- → complete (with the completion notification) when no step is left, and the claimed message is
-- deleted (the audit trail keeps its msg_id). In any other case it runs tasker.submit_step_result_inline, the general path. Returns
-- one row per successor claimed, each with status = 'submitted' and claim_step_messages' columns
-- (outcome 'claimed'); or a single row with only status ('submitted', 'fenced' or 'stale').
CREATE OR REPLACE FUNCTION tasker.complete_step(
  queue_name text, msg_id bigint, step_uuid uuid, attempt integer, results jsonb,
  claim_qty integer DEFAULT 0, vt integer DEFAULT 30, worker_id text DEFAULT NULL)
RETURNS TABLE (
  status text, claimed_msg_id bigint, read_ct integer, outcome text, task_uuid uuid, claimed_step_uuid uuid,
  correlation_id uuid, step_name text, handler text, claimed_attempt integer, max_attempts integer,
  retryable boolean, inputs jsonb, task_context jsonb, dependencies jsonb)
LANGUAGE plpgsql VOLATILE
-- a worker's entry point: runs as its owner, so the worker role needs no table access (12_access.sql)
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
$$;
COMMENT ON FUNCTION tasker.complete_step(text, bigint, uuid, integer, jsonb, integer, integer, text) IS
  'A worker''s successful step applied in one transaction: step complete, ready children claimed for the '
  'caller (up to claim_qty) or enqueued, task finished when nothing is left, message deleted; the '
  'general submit_step_result_inline otherwise. Rows: the successors claimed, or one status row.';


-- complete_steps: complete_step for several successful steps of one worker in one transaction (the
-- worker batches the completions that finish while one of its completion calls is in flight: one
-- round trip and one commit for all of them). Arrays of equal length, element i one step.
-- Set-based: the steps complete_step would apply in place (in_progress under the caller's claim —
-- attempt and message — in a task that is steps_in_process with nothing scheduled) are applied
-- together, a handful of statements for the whole batch instead of a dozen per step: the steps
-- completed and their audit rows appended, their messages deleted, the children they made ready
-- claimed for the caller (up to claim_qty, as complete_step's successor claim) or enqueued with
-- notify, the tasks left with nothing to do finished. Every other step of the batch (fenced,
-- stale, a task that is not simply running, a step given twice) then goes through complete_step,
-- one by one, as before. Locks: every task of the batch first, in task order (so two batches
-- cannot deadlock), then the steps. Returns one row per step given (status: submitted, fenced or
-- stale), tagged with it (completed_step_uuid), plus one row per successor claimed, tagged with the
-- completed parent that made it ready (the first in uuid order when several did).
-- Raises 22023 for arrays of different lengths; any other error (e.g. results jsonb cannot store)
-- rolls the whole batch back, and the caller completes its steps one by one.
CREATE OR REPLACE FUNCTION tasker.complete_steps(
  queue_name text, msg_ids bigint[], step_uuids uuid[], attempts integer[], results jsonb[],
  claim_qty integer DEFAULT 0, vt integer DEFAULT 30, worker_id text DEFAULT NULL)
RETURNS TABLE (
  completed_step_uuid uuid, status text, claimed_msg_id bigint, read_ct integer, outcome text,
  task_uuid uuid, claimed_step_uuid uuid, correlation_id uuid, step_name text, handler text,
  claimed_attempt integer, max_attempts integer, retryable boolean, inputs jsonb, task_context jsonb,
  dependencies jsonb)
LANGUAGE plpgsql VOLATILE
-- a worker's entry point: runs as its owner, so the worker role needs no table access (12_access.sql)
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
$$;
COMMENT ON FUNCTION tasker.complete_steps(text, bigint[], uuid[], integer[], jsonb[], integer, integer, text) IS
  'complete_step for a batch of one worker''s successful steps, in task order, one transaction; rows '
  'tagged with the step they complete.';
