-- The lean step path: claim_step_messages rewritten (one statement per message instead of a function stack) and complete_step (a successful step applied by the worker that ran it, its ready children enqueued — or claimed for that worker at once — and its task finished, in one round trip).
--
-- Why: measured on one connection with pg_stat_statements (track = all), a step of the linear
-- workflow cost 1.3 ms to claim and 2.7 ms to submit inline (~40 statements through eight nested
-- PL/pgSQL functions: the transition functions, the evaluation cycle moving the task through three
-- states per result, the readiness walk, ready_at recomputed twice), against a 0.15 ms round trip.
-- Here the common case — the message's step is enqueued (claim) / the step succeeded under its
-- claim while its task is running with nothing else scheduled (complete) — runs a handful of
-- key-lookup statements; every other case falls through to the general functions of 000015 and
-- 000017, which stay the one implementation of the rare outcomes (reclaims, duplicates, stale or
-- fenced submits, retries, failures, a task that is not simply running).
--
-- Successor claim: a worker completing a step passes claim_qty (its free slots). The children the
-- completion made ready, up to claim_qty, are claimed for that worker in the same transaction
-- (pending → enqueued → in_progress, attempts + 1) and their messages sent hidden for vt seconds (the
-- lease); the worker runs them without waiting for a notification and a claim round trip. The rest
-- are enqueued and notified as before. Recovery is unchanged: a worker that dies leaves the hidden
-- message to reappear after its lease, and the next reader takes the expired claim over.
--
-- Leases are recorded on the step (claim_msg_id, lease_until) rather than read from the latest
-- transition's metadata: a message read for the first time may now belong to a live claim (a
-- successor claim's message has read_ct 0), so "duplicate" means a message other than the claim's
-- while its lease runs (see claim_step_messages below).
--
-- Locks, as everywhere: task row first (FOR NO KEY UPDATE), then step rows. Both functions commit
-- asynchronously (SET LOCAL synchronous_commit = off), like the functions they replace on the hot
-- path (000015): a crash loses at most the last few hundred ms of them, and the lease replays them.

ALTER TABLE tasker.workflow_steps
  ADD COLUMN claim_msg_id bigint,
  ADD COLUMN lease_until timestamptz;
COMMENT ON COLUMN tasker.workflow_steps.claim_msg_id IS
  'The message the current in_progress claim holds (the one its worker archives on completion).';
COMMENT ON COLUMN tasker.workflow_steps.lease_until IS
  'When the current in_progress claim expires (its message''s visibility timeout); a later reader may take it over.';

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

-- _record_step_transitions: appends the hops of p_path (p_path[1] the state the step was in) to the
-- step's audit trail in one insert, the last one most recent, p_metadata on the last hop. Locks: the
-- step's transition rows (the caller holds the step row). Returns nothing.
CREATE OR REPLACE FUNCTION tasker._record_step_transitions(p_step uuid, p_path text[], p_metadata jsonb)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_prev integer;
BEGIN
  UPDATE tasker.workflow_step_transitions st SET most_recent = false
  WHERE st.workflow_step_uuid = p_step AND st.most_recent
  RETURNING st.sort_key INTO v_prev;
  INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key, most_recent)
  SELECT p_step, p_path[i - 1], p_path[i],
    CASE WHEN i = cardinality(p_path) THEN coalesce(p_metadata, '{}') ELSE '{}' END,
    coalesce(v_prev, -1) + i - 1, i = cardinality(p_path)
  FROM generate_series(2, cardinality(p_path)) i;
END
$$;

-- _record_task_transitions: the task sibling of _record_step_transitions (no metadata). Returns nothing.
CREATE OR REPLACE FUNCTION tasker._record_task_transitions(p_task uuid, p_path text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_prev integer;
BEGIN
  UPDATE tasker.task_transitions tt SET most_recent = false
  WHERE tt.task_uuid = p_task AND tt.most_recent
  RETURNING tt.sort_key INTO v_prev;
  INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, metadata, sort_key, most_recent)
  SELECT p_task, p_path[i - 1], p_path[i], '{}', coalesce(v_prev, -1) + i - 1, i = cardinality(p_path)
  FROM generate_series(2, cardinality(p_path)) i;
END
$$;

-- _step_dependencies: every ancestor of a step with its results, nearest first, as the jsonb array
-- handlers receive ({step_uuid, name, results, distance}); '[]' for a root. A key-lookup walk up the
-- edges (workflow_step_edges_to_step_idx). Takes no locks.
CREATE OR REPLACE FUNCTION tasker._step_dependencies(p_step uuid)
RETURNS jsonb
LANGUAGE sql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_bitmapscan = off
BEGIN ATOMIC
  WITH RECURSIVE ancestors (uuid, distance) AS (
    SELECT e.from_step_uuid, 1 FROM tasker.workflow_step_edges e WHERE e.to_step_uuid = p_step
    UNION
    SELECT e.from_step_uuid, a.distance + 1
    FROM ancestors a JOIN tasker.workflow_step_edges e ON e.to_step_uuid = a.uuid
  ), nearest AS (
    SELECT a.uuid, min(a.distance) AS distance FROM ancestors a GROUP BY a.uuid
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('step_uuid', s.workflow_step_uuid, 'name', ns.name,
      'results', s.results, 'distance', n.distance) ORDER BY n.distance, ns.name), '[]'::jsonb)
  FROM nearest n
  JOIN tasker.workflow_steps s ON s.workflow_step_uuid = n.uuid
  JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid;
END;

-- claim_step_messages (replaces 000015's body; same arguments, rows and outcomes), with the
-- common case — the message's step is enqueued and its task running — claimed by one UPDATE that
-- also returns the handler's context; other messages go through tasker._claim_outcome. Locks: the
-- read messages (SKIP LOCKED inside pgmq.read) and each step row, never the task row.
CREATE OR REPLACE FUNCTION tasker.claim_step_messages(
  queue_name text, vt integer, qty integer, worker_id text DEFAULT NULL)
RETURNS TABLE (
  msg_id bigint, read_ct integer, outcome text, task_uuid uuid, step_uuid uuid, correlation_id uuid,
  step_name text, handler text, attempt integer, max_attempts integer, retryable boolean, inputs jsonb,
  task_context jsonb, dependencies jsonb)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
DECLARE
  m record;
  c record;
  v_step uuid;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR m IN SELECT r.msg_id, r.read_ct, r.vt, r.message FROM pgmq.read(queue_name, vt, qty) r LOOP
    msg_id := m.msg_id; read_ct := m.read_ct;
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

    UPDATE tasker.workflow_steps ws
    SET current_state = 'in_progress', attempts = ws.attempts + 1, last_attempted_at = now(),
      in_process = true, updated_at = now(), claim_msg_id = m.msg_id, lease_until = m.vt
    FROM tasker.tasks t, tasker.named_steps ns
    WHERE ws.workflow_step_uuid = v_step AND ws.current_state = 'enqueued'
      AND t.task_uuid = ws.task_uuid
      AND t.current_state NOT IN ('complete', 'error', 'cancelled', 'resolved_manually')
      AND ns.named_step_uuid = ws.named_step_uuid
    RETURNING ws.task_uuid, t.correlation_id, ns.name, ns.handler, ws.attempts, ws.max_attempts,
      ws.retryable, ws.inputs, t.context
    INTO c;
    IF FOUND THEN
      outcome := 'claimed';
      PERFORM tasker._record_step_transitions(v_step, ARRAY['enqueued', 'in_progress'],
        jsonb_build_object('msg_id', m.msg_id, 'worker_id', worker_id, 'lease_until', m.vt));
    ELSE
      outcome := tasker._claim_outcome(queue_name, m.msg_id, m.vt, v_step, worker_id);
      IF outcome = 'reclaimed' THEN
        SELECT ws.task_uuid, t.correlation_id, ns.name, ns.handler, ws.attempts, ws.max_attempts,
          ws.retryable, ws.inputs, t.context
        INTO c
        FROM tasker.workflow_steps ws
        JOIN tasker.tasks t ON t.task_uuid = ws.task_uuid
        JOIN tasker.named_steps ns ON ns.named_step_uuid = ws.named_step_uuid
        WHERE ws.workflow_step_uuid = v_step;
      ELSE
        SELECT ws.task_uuid INTO task_uuid FROM tasker.workflow_steps ws WHERE ws.workflow_step_uuid = v_step;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    task_uuid := c.task_uuid; correlation_id := c.correlation_id; step_name := c.name; handler := c.handler;
    attempt := c.attempts; max_attempts := c.max_attempts; retryable := c.retryable; inputs := c.inputs;
    task_context := c.context;
    dependencies := tasker._step_dependencies(v_step);
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION tasker.claim_step_messages(text, integer, integer, text) IS
  'Reads up to qty step messages (hidden for vt s) and claims each step (enqueued → in_progress, or '
  'the takeover of an expired lease); archives messages that must not run. One row per message with '
  'its outcome, and for claimed steps the handler context (attempt is the fencing token).';

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
  WHERE ws.workflow_step_uuid = v_step AND ws.current_state = 'in_progress' AND ws.attempts = attempt;
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
  -- run, so it is retry-eligible with no backoff — the readiness rule of 000003 reduces to this)
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
      UPDATE tasker.workflow_steps ws
      SET current_state = 'enqueued', in_process = true, updated_at = now()
      WHERE ws.workflow_step_uuid = ANY (v_rest);
      PERFORM tasker._record_step_transitions(r, ARRAY['pending', 'enqueued'], '{}') FROM unnest(v_rest) r;
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

-- create_task (replaces 09_task_creation.sql's body; same arguments, result and errors): a task
-- whose template has steps is inserted already steps_in_process and its root steps already
-- enqueued — the states the evaluation cycle used to reach in five more statements (the readiness
-- walk, the step and task transitions, ready_at recomputed) — so its audit trail starts at the state
-- it was created in (NULL → steps_in_process; NULL → enqueued for a root, NULL → pending for the
-- rest), recorded by the insert triggers of 01_schema.sql. A root is a step whose template lists no
-- dependencies (validateTemplate guarantees every template with steps has one). The messages of the
-- roots are sent with notify in the same transaction (the enqueue rule). A template without steps
-- gives a task created complete, with its completion notification. Commits synchronously: 201 Created
-- means the task is on disk. Locks: ROW EXCLUSIVE on the tables it inserts into and the worker
-- queue; a concurrent insert of the same identity waits for the first to commit. Raises TKT01 for
-- an unknown template.
CREATE OR REPLACE FUNCTION tasker.create_task(
  p_namespace text, p_name text, p_version text, p_context jsonb, p_identity_hash text,
  p_initiator text DEFAULT NULL, p_source_system text DEFAULT NULL, p_reason text DEFAULT NULL,
  p_tags text[] DEFAULT '{}', p_priority integer DEFAULT 0, p_correlation_id uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
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
  SELECT nt.named_task_uuid, nt.version, nt.configuration INTO v_named_task, v_version, v_config
  FROM tasker.named_tasks nt
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  WHERE tn.name = p_namespace AND nt.name = p_name AND (p_version IS NULL OR nt.version = p_version)
  ORDER BY CASE WHEN nt.version ~ '^\d+\.\d+\.\d+$' THEN string_to_array(nt.version, '.')::integer[] END
    DESC NULLS LAST
  LIMIT 1;
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

  INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
  SELECT parent.workflow_step_uuid, child.workflow_step_uuid
  FROM tasker.workflow_steps child
  JOIN tasker.named_steps cns ON cns.named_step_uuid = child.named_step_uuid
  JOIN jsonb_array_elements(v_config->'steps') s ON s->>'name' = cns.name
  CROSS JOIN jsonb_array_elements_text(s->'dependencies') d(dep)
  JOIN tasker.named_steps pns ON pns.named_task_uuid = v_named_task AND pns.name = d.dep
  JOIN tasker.workflow_steps parent ON parent.task_uuid = v_task.task_uuid AND parent.named_step_uuid = pns.named_step_uuid
  WHERE child.task_uuid = v_task.task_uuid;
  v_t1 := clock_timestamp();

  IF cardinality(v_roots) > 0 THEN
    PERFORM tasker.pgmq_send_batch_with_notify('worker_' || p_namespace || '_queue', v_roots);
  ELSIF NOT v_has_steps THEN
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
$$;
COMMENT ON FUNCTION tasker.create_task(text, text, text, jsonb, text, text, text, text, text[], integer, uuid) IS
  'Creates a task with its steps, edges and transitions from a registered template, its root steps '
  'enqueued (state and message committed together); {created:false, task_uuid} for an existing '
  'identity_hash. TKT01 for an unknown template.';
