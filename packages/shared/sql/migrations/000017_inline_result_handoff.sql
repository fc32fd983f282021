-- Inline result hand-off: a worker's submit applies the step's result in its own transaction, without the trip through orchestration_step_results.
--
-- Why: with the queue hand-off (000015 submit_step_result → orchestration_step_results → the
-- orchestrator's process_step_result), every step pays a second message (send, read, archive: three
-- dynamic statements), a notification, a wake-up of the orchestrator and a transaction of its own;
-- the e2e phase breakdown shows that hop as "result queue wait" + "result processing", about a third
-- of a linear workflow's latency. Here the same work runs at the end of the submit: the step still
-- passes through enqueued_for_orchestration (or the error state) in its audit trail, then
-- process_step_result moves it on, enqueues the steps it made ready and finalizes the task, and the
-- claimed message is archived — one commit. Opt-in (worker option resultHandoff: 'inline'); the
-- queue hand-off stays the default, with orchestration as the only writer of task states.
--
-- Locks: the task row first (FOR NO KEY UPDATE), then the step row — the order orchestration uses
-- (process_step_result, cancel_task, enqueue_due_tasks), so an inline submit never deadlocks with
-- them; results of two steps of one task are applied one after the other, as in process_step_result.
-- Exactly-once completion is kept by the same fencing token as submit_step_result (attempt).
-- Commits asynchronously, like the two functions it combines (see 000015 and 000012).

-- submit_step_result_inline: as submit_step_result (same arguments, same 'submitted' / 'fenced' /
-- 'stale' outcomes, TKW01 for another status), but instead of sending the result message it runs
-- process_step_result on the step in the same transaction. Returns the outcome.
CREATE OR REPLACE FUNCTION tasker.submit_step_result_inline(
  queue_name text, msg_id bigint, step_uuid uuid, attempt integer, status text, results jsonb,
  retryable boolean DEFAULT NULL, backoff_request_seconds integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE
-- every lookup is by key (see 000016 for why a cached plan is pinned to key lookups)
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
