-- tasker next ready tasks: the orchestrator's claim of tasks that have work, by age-boosted priority, skipping tasks another orchestrator holds.
--
-- A task has work when tasks.ready_at is set and past: pending tasks, and tasks with a ready step (or a
-- retry whose backoff has run out). The transition functions keep ready_at current (02_state_machine.sql), so this
-- query never looks at steps: it walks tasks_ready_score_idx (01_schema.sql), which holds only tasks with
-- work, in age-boosted priority order, and stops after limit_count rows it could lock.

-- get_next_ready_tasks: claims up to limit_count tasks with work, highest computed priority first
-- (priority + one point per 300 s since requested_at), oldest first among equals. Locks: each returned
-- task row FOR UPDATE until the caller's transaction ends; rows locked by others are skipped (SKIP
-- LOCKED), so two concurrent callers never get the same task. Returns the claimed tasks in that order.
CREATE OR REPLACE FUNCTION tasker.get_next_ready_tasks(limit_count integer DEFAULT 5)
RETURNS TABLE (
  task_uuid uuid, namespace_name text, task_name text, task_version text, current_state text,
  priority integer, computed_priority double precision, requested_at timestamptz, correlation_id uuid)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  -- The claimed rows carry every column returned, so nothing joins back to tasks: under the generic
  -- plan (LIMIT limit_count estimated at 10% of the index) that join was a sequential scan of all
  -- tasks, growing with the table.
  RETURN QUERY
  WITH claimed AS (
    SELECT t.task_uuid, t.named_task_uuid, t.current_state, t.priority, t.requested_at, t.correlation_id,
      tasker._task_score(t.priority, t.requested_at) AS score
    FROM tasker.tasks t
    WHERE t.ready_at IS NOT NULL AND t.ready_at <= now()
    ORDER BY tasker._task_score(t.priority, t.requested_at) DESC
    LIMIT limit_count
    FOR UPDATE OF t SKIP LOCKED
  )
  SELECT c.task_uuid, tn.name, nt.name, nt.version, c.current_state, c.priority,
    c.priority + extract(epoch FROM now() - c.requested_at)::double precision / 300, c.requested_at,
    c.correlation_id
  FROM claimed c
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = c.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  ORDER BY c.score DESC;
END
$$;
COMMENT ON FUNCTION tasker.get_next_ready_tasks(integer) IS
  'Claims (FOR UPDATE SKIP LOCKED) up to limit_count tasks with work (pending, or a ready step), by '
  'priority plus one point per 300 s of age.';
