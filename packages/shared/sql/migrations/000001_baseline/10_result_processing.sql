-- Result processing, finalization, retries and cancellation: process_step_result, enqueue_due_tasks, cancel_task and the evaluation cycle they share.
--
-- Every function here locks the task row first (FOR NO KEY UPDATE) and keeps it to commit, so the
-- results of two steps of one task are evaluated one after the other: the second sees the first's
-- commit and enqueues the step that needed both (no lost fan-in), and no step is enqueued twice.
-- Several orchestrators may call them concurrently on one database.
--
-- The evaluation cycle (tasker._evaluate_task) after a step changed, task states of 02_state_machine.sql:
--   ready steps               → evaluating_results → enqueuing_steps → steps_in_process (steps enqueued)
--   steps still in flight     stays in steps_in_process / waiting_for_dependencies
--   all steps complete        → evaluating_results → complete            (completion notification)
--   a step failed for good    → evaluating_results → blocked_by_failures → error (notification)
--   a retry backing off       → evaluating_results → waiting_for_retry   (ready_at = next retry; the
--                               orchestrator's poller calls enqueue_due_tasks when it is due)

-- _evaluate_task: runs the evaluation cycle above on one task. Locks: the task row FOR NO KEY UPDATE
-- (the caller usually holds it already), step rows and the worker queue as _enqueue_ready_steps.
-- Returns the task's state afterwards, the steps enqueued and the enqueue timings (ms).
CREATE OR REPLACE FUNCTION tasker._evaluate_task(
  p_task_uuid uuid, OUT task_state text, OUT enqueued integer, OUT discovery_ms double precision,
  OUT mark_ms double precision, OUT publish_ms double precision)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_state text;
  v_ns text;
  v_correlation uuid;
  v_enq record;
  v_ctx record;
  v_target text[];
BEGIN
  enqueued := 0; discovery_ms := 0; mark_ms := 0; publish_ms := 0;
  SELECT t.current_state, tn.name, t.correlation_id INTO v_state, v_ns, v_correlation
  FROM tasker.tasks t
  JOIN tasker.named_tasks nt ON nt.named_task_uuid = t.named_task_uuid
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  WHERE t.task_uuid = p_task_uuid
  FOR NO KEY UPDATE OF t;
  task_state := v_state;
  -- only resting states are evaluated (the others exist only inside a transaction, or are final)
  IF v_state IS NULL OR v_state NOT IN
     ('steps_in_process', 'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures') THEN
    RETURN;
  END IF;

  v_enq := tasker._enqueue_ready_steps(p_task_uuid, v_ns, v_correlation);
  enqueued := v_enq.enqueued; discovery_ms := v_enq.discovery_ms;
  mark_ms := v_enq.mark_ms; publish_ms := v_enq.publish_ms;
  IF v_enq.enqueued > 0 THEN
    v_target := ARRAY['evaluating_results', 'enqueuing_steps', 'steps_in_process'];
  ELSE
    SELECT * INTO v_ctx FROM tasker.get_task_execution_context(p_task_uuid);
    v_target := CASE v_ctx.execution_status
      WHEN 'all_complete' THEN ARRAY['evaluating_results', 'complete']
      WHEN 'blocked_by_failures' THEN ARRAY['evaluating_results', 'blocked_by_failures', 'error']
      WHEN 'processing' THEN
        CASE WHEN v_state IN ('steps_in_process', 'waiting_for_dependencies') THEN NULL
             ELSE ARRAY['evaluating_results', 'waiting_for_dependencies'] END
      ELSE
        CASE WHEN v_ctx.next_retry_at IS NOT NULL OR v_ctx.execution_status = 'has_ready_steps'
               THEN CASE WHEN v_state = 'waiting_for_retry' THEN NULL
                         ELSE ARRAY['evaluating_results', 'waiting_for_retry'] END
             WHEN v_state = 'waiting_for_dependencies' THEN NULL
             ELSE ARRAY['evaluating_results', 'waiting_for_dependencies'] END
    END;
  END IF;

  IF v_target IS NULL THEN
    -- no state change; keep ready_at exact so the poller does not pick the task up for nothing
    UPDATE tasker.tasks t SET ready_at = tasker._task_ready_at(t.task_uuid, t.current_state, t.requested_at)
    WHERE t.task_uuid = p_task_uuid
      AND t.ready_at IS DISTINCT FROM tasker._task_ready_at(t.task_uuid, t.current_state, t.requested_at);
    RETURN;
  END IF;
  PERFORM tasker._advance_task(p_task_uuid, array_prepend(v_state, v_target));
  task_state := v_target[cardinality(v_target)];
  IF task_state IN ('complete', 'error') THEN
    PERFORM tasker._notify_task_finished(p_task_uuid, task_state, v_correlation);
  END IF;
END
$$;

-- process_step_result: applies one step result and runs the evaluation cycle, then archives the
-- result message (p_queue, p_msg_id; skipped when p_msg_id is NULL), all in the caller's transaction.
-- The step's own state decides: enqueued_for_orchestration → complete; enqueued_as_error_for_orchestration
-- → waiting_for_retry while retryable and attempts < max_attempts, else → error. A step in any other
-- state (a duplicate message, a cancelled task) is left alone: outcome 'stale'. Locks: the task row
-- FOR NO KEY UPDATE to commit, then as _evaluate_task and pgmq.archive. Returns the outcome
-- (completed | retrying | failed | stale | unknown_step), the step's task, the task state afterwards,
-- the steps enqueued and the enqueue timings (ms). Commits asynchronously (see the body).
CREATE OR REPLACE FUNCTION tasker.process_step_result(
  p_step_uuid uuid, p_queue text DEFAULT NULL, p_msg_id bigint DEFAULT NULL,
  OUT outcome text, OUT task_uuid uuid, OUT task_state text, OUT enqueued integer,
  OUT discovery_ms double precision, OUT mark_ms double precision, OUT publish_ms double precision)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_step record;
  v_to text;
  v_eval record;
BEGIN
  -- Asynchronous commit for this transaction only (SET LOCAL), as the worker's claim and submit do:
  -- a crash can lose the last few hundred ms of processed results, never half of one, and a lost one
  -- is processed again because its message is archived in this same transaction. Commits of
  -- notifying transactions are serialised by PostgreSQL, so not waiting for the WAL flush here is
  -- what lets results be processed in parallel. Task creation (an API acknowledgement) stays durable.
  PERFORM set_config('synchronous_commit', 'off', true);
  enqueued := 0; discovery_ms := 0; mark_ms := 0; publish_ms := 0;
  SELECT t.task_uuid, t.current_state INTO task_uuid, task_state
  FROM tasker.tasks t
  WHERE t.task_uuid = (SELECT s.task_uuid FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = p_step_uuid)
  FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    outcome := 'unknown_step';
  ELSE
    SELECT s.current_state, s.retryable, s.attempts, s.max_attempts INTO v_step
    FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = p_step_uuid;
    IF v_step.current_state = 'enqueued_for_orchestration' THEN
      v_to := 'complete';
      outcome := 'completed';
    ELSIF v_step.current_state = 'enqueued_as_error_for_orchestration' THEN
      IF v_step.retryable AND v_step.attempts < v_step.max_attempts THEN
        v_to := 'waiting_for_retry';
        outcome := 'retrying';
      ELSE
        v_to := 'error';
        outcome := 'failed';
      END IF;
    ELSE
      outcome := 'stale';
    END IF;
    IF v_to IS NOT NULL THEN
      IF tasker.transition_step_state_atomic(p_step_uuid, v_step.current_state, v_to) THEN
        v_eval := tasker._evaluate_task(task_uuid);
        task_state := v_eval.task_state; enqueued := v_eval.enqueued; discovery_ms := v_eval.discovery_ms;
        mark_ms := v_eval.mark_ms; publish_ms := v_eval.publish_ms;
      ELSE
        outcome := 'stale';
      END IF;
    END IF;
  END IF;
  IF p_msg_id IS NOT NULL THEN
    PERFORM pgmq.archive(p_queue, p_msg_id);
  END IF;
END
$$;
COMMENT ON FUNCTION tasker.process_step_result(uuid, text, bigint) IS
  'Applies a step result (complete, retry or error by the step''s state), enqueues newly ready steps, '
  'finalizes the task, archives the result message; outcome completed/retrying/failed/stale/unknown_step.';

-- enqueue_due_tasks: the retry poller: claims up to p_limit tasks whose ready_at has passed
-- (tasker.get_next_ready_tasks, FOR UPDATE SKIP LOCKED: two orchestrators never claim the same one)
-- and runs the evaluation cycle on each, enqueuing the steps whose backoff has run out. Locks: the
-- claimed task rows to commit, then as _evaluate_task. Returns the tasks evaluated and the steps enqueued.
CREATE OR REPLACE FUNCTION tasker.enqueue_due_tasks(p_limit integer DEFAULT 50, OUT tasks integer, OUT enqueued integer)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_task record;
  v_eval record;
BEGIN
  tasks := 0; enqueued := 0;
  FOR v_task IN SELECT r.task_uuid FROM tasker.get_next_ready_tasks(p_limit) r LOOP
    v_eval := tasker._evaluate_task(v_task.task_uuid);
    tasks := tasks + 1;
    enqueued := enqueued + v_eval.enqueued;
  END LOOP;
END
$$;
COMMENT ON FUNCTION tasker.enqueue_due_tasks(integer) IS
  'Claims due tasks (get_next_ready_tasks, SKIP LOCKED) and enqueues their ready steps (retries whose '
  'backoff ran out); returns tasks evaluated and steps enqueued.';

-- cancel_task: cancels a task and every step of it that may still be cancelled (all but complete,
-- error, resolved_manually), then sends the completion notification with state cancelled. Workers
-- holding a message of a cancelled step lose their compare-and-swap and drop it. Locks: the task row
-- FOR NO KEY UPDATE to commit, then its step rows. Returns the outcome (cancelled | not_cancellable |
-- unknown_task), the task's state afterwards and the number of steps cancelled.
CREATE OR REPLACE FUNCTION tasker.cancel_task(
  p_task_uuid uuid, OUT outcome text, OUT task_state text, OUT steps_cancelled integer)
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_correlation uuid;
BEGIN
  steps_cancelled := 0;
  SELECT t.current_state, t.correlation_id INTO task_state, v_correlation
  FROM tasker.tasks t WHERE t.task_uuid = p_task_uuid
  FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    outcome := 'unknown_task';
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT FROM tasker.allowed_task_transitions a
                 WHERE a.from_state = task_state AND a.to_state = 'cancelled') THEN
    outcome := 'not_cancellable';
    RETURN;
  END IF;
  SELECT count(*) INTO steps_cancelled
  FROM tasker._transition_steps(
    ARRAY(SELECT s.workflow_step_uuid FROM tasker.workflow_steps s WHERE s.task_uuid = p_task_uuid),
    'cancelled', '{"reason": "task cancelled"}');
  PERFORM tasker._advance_task(p_task_uuid, ARRAY[task_state, 'cancelled']);
  PERFORM tasker._notify_task_finished(p_task_uuid, 'cancelled', v_correlation);
  outcome := 'cancelled';
  task_state := 'cancelled';
END
$$;
COMMENT ON FUNCTION tasker.cancel_task(uuid) IS
  'Cancels a task and its cancellable steps and notifies task_completed; outcome cancelled / '
  'not_cancellable / unknown_task.';
