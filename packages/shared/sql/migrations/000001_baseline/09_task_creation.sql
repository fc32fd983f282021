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
-- means the task is on disk. p_send false (create_tasks): the roots' messages are not sent but
-- returned (root_messages), for the caller to send in the same transaction.
-- Locks: ROW EXCLUSIVE on the tables it inserts into and the worker
-- queue; a concurrent insert of the same identity waits for the first to commit. Raises TKT01 for
-- an unknown template.
CREATE OR REPLACE FUNCTION tasker.create_task(
  p_namespace text, p_name text, p_version text, p_context jsonb, p_identity_hash text,
  p_initiator text DEFAULT NULL, p_source_system text DEFAULT NULL, p_reason text DEFAULT NULL,
  p_tags text[] DEFAULT '{}', p_priority integer DEFAULT 0, p_correlation_id uuid DEFAULT NULL,
  p_send boolean DEFAULT true)
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

  IF NOT p_send THEN
    -- the caller sends them (create_tasks: one batch per queue for the whole batch)
    NULL;
  ELSIF cardinality(v_roots) = 1 THEN
    -- the single-message send plans a VALUES insert, about half the batch insert's planning
    PERFORM tasker.pgmq_send_with_notify('worker_' || p_namespace || '_queue', v_roots[1]);
  ELSIF cardinality(v_roots) > 1 THEN
    PERFORM tasker.pgmq_send_batch_with_notify('worker_' || p_namespace || '_queue', v_roots);
  END IF;
  IF NOT v_has_steps THEN
    PERFORM tasker._notify_task_finished(v_task.task_uuid, 'complete', v_task.correlation_id);
  END IF;

  RETURN CASE WHEN p_send THEN '{}'::jsonb
    ELSE jsonb_build_object('root_messages', coalesce(to_jsonb(v_roots), '[]'::jsonb)) END
  || jsonb_build_object(
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
COMMENT ON FUNCTION tasker.create_task(text, text, text, jsonb, text, text, text, text, text[], integer, uuid, boolean) IS
  'Creates a task with its steps, edges and transitions from a registered template, its root steps '
  'enqueued (state and message committed together); {created:false, task_uuid} for an existing '
  'identity_hash. TKT01 for an unknown template.';

-- create_tasks: creates several tasks in one transaction, one create_task each, in the order given
-- (the API's POST /v1/tasks/batch): one round trip, one synchronous commit and one send per queue
-- (with its notifications) for all of them, which
-- is how a user enqueues a backlog (and how the job queues the benches compare with add theirs).
-- p_tasks: a jsonb array of {namespace, name, version, context, identity_hash, initiator,
-- source_system, reason, tags, priority, correlation_id} (create_task's arguments; identity_hash
-- required). All or nothing: a task whose identity exists already raises TKT02 with its index and
-- the existing task in DETAIL ({index, task_uuid}), one that repeats an earlier task of the batch
-- TKT02 with both indexes ({index, repeats}), and nothing is created; an
-- unknown template raises TKT01 naming it. Locks: as create_task, for each task. Returns the jsonb
-- array of create_task's results, in order.
CREATE OR REPLACE FUNCTION tasker.create_tasks(p_tasks jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_task jsonb;
  v_index bigint;
  v_created jsonb;
  v_results jsonb[] := '{}';
  v_uuids uuid[] := '{}';
  v_repeats integer;
  v_messages jsonb[] := '{}';
  v_queue text;
  v_batch jsonb[];
BEGIN
  FOR v_task, v_index IN SELECT e.value, e.ord - 1 FROM jsonb_array_elements(p_tasks) WITH ORDINALITY e(value, ord) LOOP
    v_created := tasker.create_task(v_task->>'namespace', v_task->>'name', v_task->>'version',
      coalesce(v_task->'context', '{}'), v_task->>'identity_hash', v_task->>'initiator',
      v_task->>'source_system', v_task->>'reason',
      coalesce(ARRAY(SELECT jsonb_array_elements_text(v_task->'tags')), '{}'),
      coalesce((v_task->>'priority')::integer, 0), (v_task->>'correlation_id')::uuid, false);
    IF NOT (v_created->>'created')::boolean THEN
      -- an earlier task of this batch (rolled back with it) or one that exists
      v_repeats := array_position(v_uuids, (v_created->>'task_uuid')::uuid);
      IF v_repeats IS NOT NULL THEN
        RAISE EXCEPTION 'task % of the batch repeats the identity of task %', v_index, v_repeats - 1
          USING ERRCODE = 'TKT02', DETAIL = json_build_object('index', v_index, 'repeats', v_repeats - 1)::text;
      END IF;
      RAISE EXCEPTION 'task % of the batch: a task with the same identity exists: %', v_index, v_created->>'task_uuid'
        USING ERRCODE = 'TKT02', DETAIL = json_build_object('index', v_index, 'task_uuid', v_created->>'task_uuid')::text;
    END IF;
    v_messages := v_messages || ARRAY(
      SELECT jsonb_build_object('queue', 'worker_' || (v_task->>'namespace') || '_queue', 'message', m)
      FROM jsonb_array_elements(v_created->'root_messages') m);
    v_results := v_results || (v_created - 'root_messages');
    v_uuids := v_uuids || (v_created->'task'->>'task_uuid')::uuid;
  END LOOP;
  -- one send (and one notification per 256 messages) per queue for the whole batch
  FOR v_queue, v_batch IN
    SELECT m->>'queue', array_agg(m->'message' ORDER BY o) FROM unnest(v_messages) WITH ORDINALITY u(m, o)
    GROUP BY m->>'queue'
  LOOP
    PERFORM tasker.pgmq_send_batch_with_notify(v_queue, v_batch);
  END LOOP;
  RETURN to_jsonb(v_results);
END
$$;
COMMENT ON FUNCTION tasker.create_tasks(jsonb) IS
  'Creates several tasks (create_task each) in one transaction, all or nothing: TKT02 for an existing '
  'identity (index and task in DETAIL), TKT01 for an unknown template. Returns create_task''s results in order.';
