-- tasker step readiness: which steps of a task may run now, the ready-step discovery of the enqueuer, and the task's ready_at marker.
--
-- One private implementation, tasker._step_readiness(task, steps), inlined by the planner into every
-- caller: an index scan of the task's steps (workflow_steps_task_uuid_idx), and per step an index-only
-- lookup of its parents (workflow_step_edges_to_step_idx) joined to their rows by primary key. Nothing
-- here reads another task's rows, so the cost does not grow with the number of tasks.

-- _next_retry_at: when a failed step may be retried: the handler's explicit backoff after the last
-- attempt, else exponential, min(2^attempts, 60) s after the last failure; NULL if neither applies.
-- Takes no locks. Returns a timestamptz or NULL.
CREATE OR REPLACE FUNCTION tasker._next_retry_at(
  attempts integer, backoff_request_seconds integer, last_attempted_at timestamptz, last_failure_at timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
  WHEN backoff_request_seconds IS NOT NULL AND last_attempted_at IS NOT NULL
    THEN last_attempted_at + make_interval(secs => backoff_request_seconds)
  WHEN last_failure_at IS NOT NULL
    THEN last_failure_at + make_interval(secs => least(power(2, attempts), 60))
END;

-- _step_readiness: the readiness of the steps of one task (all of them, or those in step_uuids).
-- ready_for_execution = state pending or waiting_for_retry, not in process, every parent complete or
-- resolved_manually, retry eligible (attempts = 0, or retryable and attempts < max_attempts), and no
-- backoff still running (next_retry_at NULL or past). Takes no locks. Returns one row per step.
CREATE OR REPLACE FUNCTION tasker._step_readiness(p_task_uuid uuid, p_step_uuids uuid[])
RETURNS TABLE (
  workflow_step_uuid uuid, task_uuid uuid, named_step_uuid uuid, name text, handler text,
  current_state text, dependencies_satisfied boolean, retry_eligible boolean, ready_for_execution boolean,
  next_retry_at timestamptz, last_failure_at timestamptz, last_attempted_at timestamptz,
  total_parents integer, completed_parents integer, attempts integer, max_attempts integer,
  retryable boolean, backoff_request_seconds integer, in_process boolean, processed boolean)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT s.workflow_step_uuid, s.task_uuid, s.named_step_uuid, ns.name, ns.handler, s.current_state,
    p.completed_parents = p.total_parents,
    c.retry_eligible,
    s.current_state IN ('pending', 'waiting_for_retry') AND NOT s.in_process
      AND p.completed_parents = p.total_parents AND c.retry_eligible
      AND (c.next_retry_at IS NULL OR c.next_retry_at <= now()),
    c.next_retry_at,
    s.last_failure_at, s.last_attempted_at, p.total_parents, p.completed_parents, s.attempts, s.max_attempts,
    s.retryable, s.backoff_request_seconds, s.in_process, s.processed
  FROM tasker.workflow_steps s
  JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid
  CROSS JOIN LATERAL (
    SELECT count(*)::integer AS total_parents,
      (count(*) FILTER (WHERE ps.current_state IN ('complete', 'resolved_manually')))::integer AS completed_parents
    FROM tasker.workflow_step_edges e
    JOIN tasker.workflow_steps ps ON ps.workflow_step_uuid = e.from_step_uuid
    WHERE e.to_step_uuid = s.workflow_step_uuid
  ) p
  CROSS JOIN LATERAL (
    SELECT s.attempts = 0 OR (s.retryable AND s.attempts < s.max_attempts) AS retry_eligible,
      tasker._next_retry_at(s.attempts, s.backoff_request_seconds, s.last_attempted_at, s.last_failure_at)
        AS next_retry_at
  ) c
  WHERE s.task_uuid = p_task_uuid
    AND (p_step_uuids IS NULL OR s.workflow_step_uuid = ANY (p_step_uuids));
END;

-- get_step_readiness_status: the public readiness view of one task's steps (all, or those listed).
-- Takes no locks. Returns one row per step, in step creation order.
CREATE OR REPLACE FUNCTION tasker.get_step_readiness_status(task_uuid uuid, step_uuids uuid[] DEFAULT NULL)
RETURNS TABLE (
  workflow_step_uuid uuid, named_step_uuid uuid, name text, handler text,
  current_state text, dependencies_satisfied boolean, retry_eligible boolean, ready_for_execution boolean,
  next_retry_at timestamptz, last_failure_at timestamptz, last_attempted_at timestamptz,
  total_parents integer, completed_parents integer, attempts integer, max_attempts integer,
  retryable boolean, backoff_request_seconds integer, in_process boolean, processed boolean)
LANGUAGE plpgsql STABLE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT r.workflow_step_uuid, r.named_step_uuid, r.name, r.handler, r.current_state,
    r.dependencies_satisfied, r.retry_eligible, r.ready_for_execution, r.next_retry_at, r.last_failure_at,
    r.last_attempted_at, r.total_parents, r.completed_parents, r.attempts, r.max_attempts, r.retryable,
    r.backoff_request_seconds, r.in_process, r.processed
  FROM tasker._step_readiness(get_step_readiness_status.task_uuid, get_step_readiness_status.step_uuids) r
  ORDER BY r.workflow_step_uuid;
END
$$;
COMMENT ON FUNCTION tasker.get_step_readiness_status(uuid, uuid[]) IS
  'Per step of a task (or of step_uuids): current state, dependencies_satisfied, retry_eligible, '
  'next_retry_at, ready_for_execution, total/completed parents, attempts. Read-only, no locks.';

-- get_ready_steps: the enqueuer's discovery query, set-based over many tasks: the steps ready for
-- execution now, with what a worker message needs (namespace for the queue, correlation id). Takes no
-- locks (the enqueuer's pending → enqueued compare-and-swap decides who sends). Returns one row per
-- ready step, ordered by task then step.
CREATE OR REPLACE FUNCTION tasker.get_ready_steps(task_uuids uuid[])
RETURNS TABLE (
  workflow_step_uuid uuid, task_uuid uuid, name text, handler text, namespace_name text,
  correlation_id uuid, current_state text, attempts integer)
LANGUAGE plpgsql STABLE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT r.workflow_step_uuid, t.task_uuid, r.name, r.handler, tn.name, t.correlation_id, r.current_state,
    r.attempts
  FROM tasker.tasks t
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = t.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  CROSS JOIN LATERAL tasker._step_readiness(t.task_uuid, NULL) r
  WHERE t.task_uuid = ANY (task_uuids) AND r.ready_for_execution
  ORDER BY t.task_uuid, r.workflow_step_uuid;
END
$$;
COMMENT ON FUNCTION tasker.get_ready_steps(uuid[]) IS
  'The steps of the given tasks that are ready for execution now, with namespace and correlation id.';

-- _task_ready_at: the value of tasks.ready_at for a task in task_state: requested_at while pending;
-- NULL once terminal; else the earliest moment one of its steps is ready (a ready step, a
-- retry's next_retry_at), NULL if none is or will be without another transition. A step ready now
-- counts as '-infinity', a constant, so that repeated refreshes write nothing. Takes no locks.
-- Returns a timestamptz or NULL.
CREATE OR REPLACE FUNCTION tasker._task_ready_at(task_uuid uuid, task_state text, requested_at timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
BEGIN
  IF task_state = 'pending' THEN
    RETURN requested_at;
  ELSIF task_state IN ('complete', 'error', 'cancelled', 'resolved_manually') THEN
    RETURN NULL;
  END IF;
  RETURN (
    SELECT min(coalesce(r.next_retry_at, '-infinity'))
    FROM tasker._step_readiness(_task_ready_at.task_uuid, NULL) r
    WHERE r.current_state IN ('pending', 'waiting_for_retry') AND NOT r.in_process
      AND r.dependencies_satisfied AND r.retry_eligible);
END
$$;
