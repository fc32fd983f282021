-- tasker task execution context: step counts by state, ready steps, execution status and the recommended next action of one task.
--
-- get_task_execution_context aggregates tasker._step_readiness (04_step_readiness.sql) over the task's own steps, so
-- it costs one index scan of those steps and their parents, whatever the size of the tables.
--
-- execution_status, first match wins (progress where progress is possible, as tasker-core does):
--   has_ready_steps           a step is ready now                       → execute_ready_steps
--   processing                a step is enqueued, running or handed back → wait_for_completion
--   blocked_by_failures       a step failed for good (error, or out of retries) → handle_failures
--   all_complete              every step complete or resolved_manually  → finalize_task
--   waiting_for_dependencies  anything else: a retry backoff still running (→ wait_for_retry) or steps
--                             whose parents cannot finish (→ wait_for_dependencies)

-- get_task_execution_context: the execution context of one task. Takes no locks. Returns one row, or
-- none if the task does not exist.
CREATE OR REPLACE FUNCTION tasker.get_task_execution_context(task_uuid uuid)
RETURNS TABLE (
  task_state text, total_steps integer, pending_steps integer, in_progress_steps integer,
  completed_steps integer, failed_steps integer, waiting_for_retry_steps integer, cancelled_steps integer,
  ready_steps integer, permanently_blocked_steps integer, next_retry_at timestamptz,
  execution_status text, recommended_action text, completion_percentage double precision)
LANGUAGE plpgsql STABLE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT t.current_state, c.total, c.pending, c.in_flight, c.completed, c.failed, c.waiting_for_retry,
    c.cancelled, c.ready, c.blocked, c.next_retry_at,
    CASE
      WHEN c.ready > 0 THEN 'has_ready_steps'
      WHEN c.in_flight > 0 THEN 'processing'
      WHEN c.blocked > 0 THEN 'blocked_by_failures'
      WHEN c.completed = c.total THEN 'all_complete'
      ELSE 'waiting_for_dependencies'
    END,
    CASE
      WHEN c.ready > 0 THEN 'execute_ready_steps'
      WHEN c.in_flight > 0 THEN 'wait_for_completion'
      WHEN c.blocked > 0 THEN 'handle_failures'
      WHEN c.completed = c.total THEN 'finalize_task'
      WHEN c.next_retry_at IS NOT NULL THEN 'wait_for_retry'
      ELSE 'wait_for_dependencies'
    END,
    CASE WHEN c.total = 0 THEN 100 ELSE round(100.0 * c.completed / c.total, 2)::double precision END
  FROM tasker.tasks t
  CROSS JOIN LATERAL (
    SELECT count(*)::integer AS total,
      (count(*) FILTER (WHERE r.current_state = 'pending'))::integer AS pending,
      (count(*) FILTER (WHERE r.current_state IN ('enqueued', 'in_progress', 'enqueued_for_orchestration',
        'enqueued_as_error_for_orchestration')))::integer AS in_flight,
      (count(*) FILTER (WHERE r.current_state IN ('complete', 'resolved_manually')))::integer AS completed,
      (count(*) FILTER (WHERE r.current_state = 'error'))::integer AS failed,
      (count(*) FILTER (WHERE r.current_state = 'waiting_for_retry'))::integer AS waiting_for_retry,
      (count(*) FILTER (WHERE r.current_state = 'cancelled'))::integer AS cancelled,
      (count(*) FILTER (WHERE r.ready_for_execution))::integer AS ready,
      (count(*) FILTER (WHERE r.current_state = 'error'
        OR (r.current_state IN ('pending', 'waiting_for_retry') AND NOT r.retry_eligible)))::integer AS blocked,
      min(r.next_retry_at) FILTER (WHERE r.current_state IN ('pending', 'waiting_for_retry')
        AND r.retry_eligible AND r.next_retry_at > now()) AS next_retry_at
    FROM tasker._step_readiness(t.task_uuid, NULL) r
  ) c
  WHERE t.task_uuid = get_task_execution_context.task_uuid;
END
$$;
COMMENT ON FUNCTION tasker.get_task_execution_context(uuid) IS
  'Step counts by state, ready steps, execution_status (has_ready_steps / processing / blocked_by_failures '
  '/ all_complete / waiting_for_dependencies), recommended_action and completion percentage of one task.';
