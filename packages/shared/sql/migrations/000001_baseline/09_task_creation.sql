-- Task creation and step enqueueing: create_task builds a task, its steps and edges from a registered template, created in the states they rest in (the task steps_in_process, its roots enqueued, their messages sent), in one statement; _enqueue_ready_steps is the evaluation cycle's enqueuer.
--
-- The enqueue rule (issue 16): a step is moved to enqueued in the same transaction that sends its
-- message with tasker.pgmq_send_batch_with_notify, so the message and the state become visible at the
-- same commit: a worker that sees the message always sees the step enqueued.
--
-- Completion channels (sent by tasker._notify_task_finished when a task reaches complete, error or
-- cancelled; delivered at commit):
--   task_completed            every task; payload {"task_uuid","state","correlation_id","failed_step"}
--   task_completed.<uuid>     the same payload on a per-task channel (51 bytes, within the 63-byte limit)
--
-- create_task writes the states directly (the insert triggers of 01_schema.sql record them);
-- _enqueue_ready_steps, the enqueuer of the evaluation cycle (10_result_processing.sql), moves steps
-- through the set-based helpers of 02_state_machine.sql (_transition_steps).
--
-- Errors, class TK:
--   TKT01  no registered template matches namespace/name(/version)
--   TKT02  create_tasks: a task of the batch has the identity of an existing task

-- _enqueue_ready_steps: the step enqueuer for one task: discovers its ready steps
-- (tasker.get_ready_steps), moves them pending / waiting_for_retry → enqueued, and sends one
-- {task_uuid, step_uuid, correlation_id} message per step to worker_<namespace>_queue with
-- tasker.pgmq_send_batch_with_notify, all in the caller's transaction. Does not refresh ready_at (the
-- caller's _advance_task does). Locks: the caller must hold the task row; step rows as
-- _transition_steps; the queue as pgmq.send_batch. Returns the number of steps enqueued and the
-- milliseconds spent discovering, marking (state transitions) and publishing (send + notify).
CREATE OR REPLACE FUNCTION tasker._enqueue_ready_steps(
  p_task_uuid uuid, p_namespace text, p_correlation_id uuid,
  OUT enqueued integer, OUT discovery_ms double precision, OUT mark_ms double precision,
  OUT publish_ms double precision)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_t0 timestamptz := clock_timestamp();
  v_t1 timestamptz;
  v_t2 timestamptz;
  v_ready uuid[];
  v_moved uuid[];
BEGIN
  -- the shared discovery query (04_step_readiness.sql), whose plan is tuned for exactly this walk
  SELECT coalesce(array_agg(r.workflow_step_uuid ORDER BY r.workflow_step_uuid), '{}') INTO v_ready
  FROM tasker.get_ready_steps(ARRAY[p_task_uuid]) r;
  v_t1 := clock_timestamp();
  discovery_ms := extract(epoch FROM v_t1 - v_t0) * 1000;
  IF cardinality(v_ready) = 0 THEN
    enqueued := 0; mark_ms := 0; publish_ms := 0;
    RETURN;
  END IF;

  SELECT coalesce(array_agg(m ORDER BY m), '{}') INTO v_moved
  FROM tasker._transition_steps(v_ready, 'enqueued') m;
  v_t2 := clock_timestamp();
  mark_ms := extract(epoch FROM v_t2 - v_t1) * 1000;

  PERFORM tasker.pgmq_send_batch_with_notify(
    'worker_' || p_namespace || '_queue',
    ARRAY(SELECT jsonb_build_object('task_uuid', p_task_uuid, 'step_uuid', m, 'correlation_id', p_correlation_id)
          FROM unnest(v_moved) m));
  publish_ms := extract(epoch FROM clock_timestamp() - v_t2) * 1000;
  enqueued := cardinality(v_moved);
END
$$;

-- _notify_task_finished: sends the completion notification of a task that reached p_state
-- (complete, error, cancelled) on task_completed and task_completed.<uuid>; with the first failed
-- step when there is one. Takes no locks (NOTIFY takes a brief global lock at commit). Returns nothing.
CREATE OR REPLACE FUNCTION tasker._notify_task_finished(p_task_uuid uuid, p_state text, p_correlation_id uuid)
RETURNS void
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_payload text;
BEGIN
  v_payload := jsonb_build_object(
    'task_uuid', p_task_uuid, 'state', p_state, 'correlation_id', p_correlation_id,
    'failed_step', CASE WHEN p_state = 'error' THEN (
      SELECT jsonb_build_object('step_uuid', s.workflow_step_uuid, 'name', ns.name, 'attempts', s.attempts)
      FROM tasker.workflow_steps s JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid
      WHERE s.task_uuid = p_task_uuid AND s.current_state = 'error'
      ORDER BY s.workflow_step_uuid LIMIT 1) END)::text;
  PERFORM pg_notify('task_completed', v_payload), pg_notify('task_completed.' || p_task_uuid, v_payload);
END
$$;

-- create_task: creates a task from the registered template p_namespace/p_name at p_version (NULL:
-- the highest registered version), with its steps (retry policy copied from the named steps) and
-- edges. A task whose p_identity_hash exists already is not created: the result says so and names
-- the existing task ({created: false, task_uuid}); else {created: true, task: {...}, steps: [...],
-- enqueued, timings: {insert_ms, discovery_ms, mark_ms, publish_ms}}. A task whose template has steps is inserted already steps_in_process and its root steps already
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
  SELECT t.named_task_uuid, t.version, t.configuration INTO v_named_task, v_version, v_config
  FROM tasker._resolve_template(p_namespace, p_name, p_version) t;
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

  -- (every step a root: no edges to look for)
  IF cardinality(v_roots) < jsonb_array_length(v_config->'steps') THEN
    INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
    SELECT parent.workflow_step_uuid, child.workflow_step_uuid
    FROM tasker.workflow_steps child
    JOIN tasker.named_steps cns ON cns.named_step_uuid = child.named_step_uuid
    JOIN jsonb_array_elements(v_config->'steps') s ON s->>'name' = cns.name
    CROSS JOIN jsonb_array_elements_text(s->'dependencies') d(dep)
    JOIN tasker.named_steps pns ON pns.named_task_uuid = v_named_task AND pns.name = d.dep
    JOIN tasker.workflow_steps parent ON parent.task_uuid = v_task.task_uuid AND parent.named_step_uuid = pns.named_step_uuid
    WHERE child.task_uuid = v_task.task_uuid;
  END IF;
  v_t1 := clock_timestamp();

  IF cardinality(v_roots) = 1 THEN
    -- the single-message send plans a VALUES insert, about half the batch insert's planning
    PERFORM tasker.pgmq_send_with_notify('worker_' || p_namespace || '_queue', v_roots[1]);
  ELSIF cardinality(v_roots) > 1 THEN
    PERFORM tasker.pgmq_send_batch_with_notify('worker_' || p_namespace || '_queue', v_roots);
  END IF;
  IF NOT v_has_steps THEN
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

-- create_tasks: creates several tasks in one transaction (the API's POST /v1/tasks/batch), set-based:
-- one insert of all the tasks, one of all their steps, one of all their edges, one send per queue
-- (one notification per 256 messages) — create_task's rows and states (tasks steps_in_process,
-- roots enqueued) for a batch, at about 0.6x create_task's cost per task (one connection, batches of
-- 100: 0.27 against 0.46 ms for a one-step task, 0.57 against 0.99 for the 4-step linear one). This
-- is how a user enqueues a backlog, and how the job queues the benches compare with add theirs.
-- p_tasks: a jsonb array of {namespace, name, version, context, identity_hash, initiator,
-- source_system, reason, tags, priority, correlation_id} (create_task's arguments; identity_hash
-- required). All or nothing: an unknown template raises TKT01 naming it (DETAIL {index}); a task
-- whose identity exists already raises TKT02 with its index and the existing task in DETAIL
-- ({index, task_uuid}); one that repeats an earlier task of the batch TKT02 with both indexes
-- ({index, repeats}); nothing is created. Commits as its caller does (the API: synchronously).
-- Locks: ROW EXCLUSIVE on the tables it inserts into and the worker queues; a concurrent insert of
-- the same identity waits for the first to commit. Returns the jsonb array of create_task's results
-- for the tasks, in order (timings: the batch's, divided evenly).
CREATE OR REPLACE FUNCTION tasker.create_tasks(p_tasks jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_t0 timestamptz := clock_timestamp();
  v_t1 timestamptz;
  v_n integer := coalesce(jsonb_array_length(p_tasks), 0);
  v_missing record;
  v_requests jsonb;
  v_existing uuid;
  v_tasks jsonb;
  v_inserted integer;
  v_steps jsonb;
  v_req record;
  v_seen jsonb := '{}';
  v_queue text;
  v_batch jsonb[];
  v_done record;
  v_insert_ms double precision;
  v_publish_ms double precision;
  v_results jsonb;
BEGIN
  IF v_n = 0 THEN
    RETURN '[]'::jsonb;
  END IF;
  -- each request with its template, resolved once; every request must name a registered one
  SELECT jsonb_agg(r.value || jsonb_build_object('idx', r.ord - 1, 'named_task_uuid', t.named_task_uuid,
      'resolved_version', t.version, 'config', t.configuration) ORDER BY r.ord)
  INTO v_requests
  FROM jsonb_array_elements(p_tasks) WITH ORDINALITY r(value, ord)
  LEFT JOIN LATERAL tasker._resolve_template(r.value->>'namespace', r.value->>'name', r.value->>'version') t ON true;
  SELECT (e->>'idx')::integer AS idx, e->>'namespace' AS ns, e->>'name' AS nm, e->>'version' AS ver
  INTO v_missing
  FROM jsonb_array_elements(v_requests) e WHERE e->>'named_task_uuid' IS NULL
  ORDER BY (e->>'idx')::integer LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'no task template %/%@%', v_missing.ns, v_missing.nm, coalesce(v_missing.ver, 'latest')
      USING ERRCODE = 'TKT01', HINT = 'Register the template first (registerTemplate).',
        DETAIL = json_build_object('index', v_missing.idx)::text;
  END IF;

  -- the tasks, created in the state they rest in (steps_in_process, or complete without steps)
  WITH req AS (
    SELECT (e->>'idx')::integer AS idx, e AS q, (e->>'named_task_uuid')::uuid AS named_task_uuid,
      e->>'resolved_version' AS version, e->'config' AS configuration,
      coalesce(jsonb_array_length(e->'config'->'steps'), 0) > 0 AS has_steps
    FROM jsonb_array_elements(v_requests) e
  ), ins AS (
    INSERT INTO tasker.tasks (named_task_uuid, current_state, ready_at, complete, completed_at, context,
      tags, priority, correlation_id, identity_hash, initiator, source_system, reason)
    SELECT req.named_task_uuid, CASE WHEN req.has_steps THEN 'steps_in_process' ELSE 'complete' END, NULL,
      NOT req.has_steps, CASE WHEN NOT req.has_steps THEN now() END, coalesce(req.q->'context', '{}'),
      coalesce(ARRAY(SELECT jsonb_array_elements_text(req.q->'tags')), '{}'),
      coalesce((req.q->>'priority')::integer, 0),
      coalesce((req.q->>'correlation_id')::uuid, tasker.uuid_v7()), req.q->>'identity_hash',
      req.q->>'initiator', req.q->>'source_system', req.q->>'reason'
    FROM req ORDER BY req.idx
    ON CONFLICT (identity_hash) DO NOTHING
    RETURNING task_uuid, identity_hash, current_state, priority, tags, correlation_id, initiator, source_system,
      reason, requested_at, completed_at, created_at
  )
  SELECT jsonb_agg(jsonb_build_object('idx', req.idx, 'named_task_uuid', req.named_task_uuid,
      'namespace', req.q->>'namespace', 'name', req.q->>'name', 'version', req.version,
      'config', req.configuration, 'has_steps', req.has_steps, 'hash', ins.identity_hash,
      'task', jsonb_build_object('task_uuid', ins.task_uuid, 'namespace', req.q->>'namespace',
        'name', req.q->>'name', 'version', req.version, 'state', ins.current_state, 'priority', ins.priority,
        'tags', to_jsonb(ins.tags), 'correlation_id', ins.correlation_id, 'initiator', ins.initiator,
        'source_system', ins.source_system, 'reason', ins.reason, 'requested_at', ins.requested_at,
        'completed_at', ins.completed_at, 'created_at', ins.created_at)) ORDER BY req.idx),
    count(DISTINCT ins.task_uuid)
  INTO v_tasks, v_inserted
  FROM req JOIN ins ON ins.identity_hash = req.q->>'identity_hash';

  IF coalesce(v_inserted, 0) < v_n THEN
    -- the first request that was not created: a repeat of an earlier one, or an existing identity
    FOR v_req IN SELECT r.ord - 1 AS idx, r.value->>'identity_hash' AS hash
                 FROM jsonb_array_elements(p_tasks) WITH ORDINALITY r(value, ord) ORDER BY r.ord LOOP
      IF v_seen ? v_req.hash THEN
        RAISE EXCEPTION 'task % of the batch repeats the identity of task %', v_req.idx, v_seen->>v_req.hash
          USING ERRCODE = 'TKT02',
            DETAIL = json_build_object('index', v_req.idx, 'repeats', (v_seen->>v_req.hash)::integer)::text;
      END IF;
      IF NOT EXISTS (SELECT FROM jsonb_array_elements(coalesce(v_tasks, '[]')) e WHERE e->>'hash' = v_req.hash) THEN
        SELECT t.task_uuid INTO v_existing FROM tasker.tasks t WHERE t.identity_hash = v_req.hash;
        RAISE EXCEPTION 'task % of the batch: a task with the same identity exists: %', v_req.idx, v_existing
          USING ERRCODE = 'TKT02', DETAIL = json_build_object('index', v_req.idx, 'task_uuid', v_existing)::text;
      END IF;
      v_seen := v_seen || jsonb_build_object(v_req.hash, v_req.idx);
    END LOOP;
  END IF;

  -- their steps, roots created enqueued (the insert trigger records each step's first transition)
  WITH t AS (
    SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid, (e->>'named_task_uuid')::uuid AS named_task_uuid,
      e->'config' AS config, (e->>'idx')::integer AS idx
    FROM jsonb_array_elements(v_tasks) e
  ), ins AS (
    INSERT INTO tasker.workflow_steps (task_uuid, named_step_uuid, current_state, in_process, retryable,
      max_attempts, backoff_request_seconds, inputs)
    SELECT t.task_uuid, ns.named_step_uuid,
      CASE WHEN coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0 THEN 'enqueued' ELSE 'pending' END,
      coalesce(jsonb_array_length(s.value->'dependencies'), 0) = 0,
      ns.retryable, ns.max_attempts, ns.backoff_seconds, coalesce(s.value->'inputs', '{}')
    FROM t
    CROSS JOIN LATERAL jsonb_array_elements(t.config->'steps') WITH ORDINALITY s(value, ord)
    JOIN tasker.named_steps ns ON ns.named_task_uuid = t.named_task_uuid AND ns.name = s.value->>'name'
    ORDER BY t.idx, s.ord
    RETURNING workflow_step_uuid, task_uuid, named_step_uuid, current_state, attempts, max_attempts
  )
  SELECT jsonb_object_agg(g.task_uuid, g.steps) INTO v_steps
  FROM (
    SELECT i.task_uuid, jsonb_build_object(
        'steps', jsonb_agg(jsonb_build_object('step_uuid', i.workflow_step_uuid, 'name', ns.name,
          'handler', ns.handler, 'state', i.current_state, 'attempts', i.attempts,
          'max_attempts', i.max_attempts) ORDER BY i.workflow_step_uuid),
        'roots', coalesce(jsonb_agg(i.workflow_step_uuid ORDER BY i.workflow_step_uuid)
          FILTER (WHERE i.current_state = 'enqueued'), '[]')) AS steps
    FROM ins i JOIN tasker.named_steps ns ON ns.named_step_uuid = i.named_step_uuid
    GROUP BY i.task_uuid) g;

  -- the edges of the templates that have any
  IF EXISTS (SELECT FROM jsonb_array_elements(v_tasks) e, jsonb_array_elements(e->'config'->'steps') s
             WHERE coalesce(jsonb_array_length(s->'dependencies'), 0) > 0) THEN
    INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
    SELECT parent.workflow_step_uuid, child.workflow_step_uuid
    FROM jsonb_array_elements(v_tasks) e
    CROSS JOIN LATERAL (SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid,
      (e->>'named_task_uuid')::uuid AS named_task_uuid) k
    JOIN tasker.workflow_steps child ON child.task_uuid = k.task_uuid
    JOIN tasker.named_steps cns ON cns.named_step_uuid = child.named_step_uuid
    JOIN jsonb_array_elements(e->'config'->'steps') s ON s->>'name' = cns.name
    CROSS JOIN jsonb_array_elements_text(s->'dependencies') d(dep)
    JOIN tasker.named_steps pns ON pns.named_task_uuid = k.named_task_uuid AND pns.name = d.dep
    JOIN tasker.workflow_steps parent ON parent.task_uuid = k.task_uuid AND parent.named_step_uuid = pns.named_step_uuid;
  END IF;
  v_t1 := clock_timestamp();
  v_insert_ms := extract(epoch FROM v_t1 - v_t0) * 1000 / v_n;

  -- one send (one notification per 256 messages) per queue for the whole batch: the enqueue rule
  FOR v_queue, v_batch IN
    SELECT 'worker_' || (e->>'namespace') || '_queue',
      array_agg(jsonb_build_object('task_uuid', e->'task'->'task_uuid', 'step_uuid', r,
        'correlation_id', e->'task'->'correlation_id') ORDER BY (e->>'idx')::integer, r)
    FROM jsonb_array_elements(v_tasks) e
    CROSS JOIN LATERAL jsonb_array_elements(v_steps->(e->'task'->>'task_uuid')->'roots') r
    GROUP BY 1
  LOOP
    PERFORM tasker.pgmq_send_batch_with_notify(v_queue, v_batch);
  END LOOP;
  FOR v_done IN SELECT (e->'task'->>'task_uuid')::uuid AS task_uuid, (e->'task'->>'correlation_id')::uuid AS correlation_id
                FROM jsonb_array_elements(v_tasks) e WHERE NOT (e->>'has_steps')::boolean LOOP
    PERFORM tasker._notify_task_finished(v_done.task_uuid, 'complete', v_done.correlation_id);
  END LOOP;
  v_publish_ms := extract(epoch FROM clock_timestamp() - v_t1) * 1000 / v_n;

  SELECT jsonb_agg(jsonb_build_object(
      'created', true,
      'enqueued', jsonb_array_length(coalesce(v_steps->(e->'task'->>'task_uuid')->'roots', '[]')),
      -- per task, the batch's times divided evenly
      'timings', jsonb_build_object('insert_ms', v_insert_ms, 'discovery_ms', 0, 'mark_ms', 0,
        'publish_ms', v_publish_ms),
      'task', e->'task',
      'steps', coalesce(v_steps->(e->'task'->>'task_uuid')->'steps', '[]')) ORDER BY (e->>'idx')::integer)
  INTO v_results
  FROM jsonb_array_elements(v_tasks) e;
  RETURN v_results;
END
$$;
COMMENT ON FUNCTION tasker.create_tasks(jsonb) IS
  'Creates several tasks set-based in one transaction, all or nothing: TKT02 for an existing '
  'identity (index and task in DETAIL), TKT01 for an unknown template. Returns create_task''s results in order.';
