-- tasker's state machines: the allowed task and step transitions, and the functions that move a task or a step along them (compare-and-swap, one at a time or set-based).
--
-- The tables are the SQL copy of packages/shared/src/state/transitions.ts (a test asserts they are
-- identical; change both together, in a new migration). Every state change goes through the
-- functions below, which record it in task_transitions / workflow_step_transitions (appended,
-- sort_key + 1: one insert per change, see 01_schema.sql) and keep the denormalised columns current (tasks.ready_at, the step's
-- attempts, in_process, processed).
--
-- Step states, and what moves a step on:
--   pending                              created; ready (04_step_readiness.sql) → enqueued with its message
--   enqueued                             a worker's claim → in_progress (attempts + 1)
--   in_progress                          the handler's result → enqueued_for_orchestration, or its
--                                        failure → enqueued_as_error_for_orchestration
--   enqueued_for_orchestration           result processing → complete
--   enqueued_as_error_for_orchestration  result processing → waiting_for_retry (retryable, attempts
--                                        left) or → error
--   waiting_for_retry                    backoff over → enqueued (or back to pending); → error
--   complete, cancelled                  final; error → resolved_manually by an operator
--   every state that is not final        → cancelled, with its task (10_result_processing.sql)
-- Task states: pending → initializing → enqueuing_steps → steps_in_process at creation
-- (09_task_creation.sql), then the evaluation cycle of 10_result_processing.sql after each step
-- result (evaluating_results → enqueuing_steps / waiting_for_dependencies / waiting_for_retry /
-- blocked_by_failures → error / complete); cancelled from any state before the end.
--
-- Errors, class TK:
--   TK001  illegal transition (from → to is not in the table)
--   TK002  no such task / step

CREATE TABLE tasker.allowed_task_transitions (
  from_state text NOT NULL,
  to_state text NOT NULL,
  PRIMARY KEY (from_state, to_state)
);

CREATE TABLE tasker.allowed_step_transitions (
  from_state text NOT NULL,
  to_state text NOT NULL,
  PRIMARY KEY (from_state, to_state)
);

INSERT INTO tasker.allowed_task_transitions (from_state, to_state) VALUES
  ('pending', 'initializing'), ('pending', 'cancelled'),
  ('initializing', 'enqueuing_steps'), ('initializing', 'complete'), ('initializing', 'error'),
  ('initializing', 'cancelled'),
  ('enqueuing_steps', 'steps_in_process'), ('enqueuing_steps', 'error'), ('enqueuing_steps', 'cancelled'),
  ('steps_in_process', 'evaluating_results'), ('steps_in_process', 'error'), ('steps_in_process', 'cancelled'),
  ('evaluating_results', 'enqueuing_steps'), ('evaluating_results', 'waiting_for_dependencies'),
  ('evaluating_results', 'waiting_for_retry'), ('evaluating_results', 'blocked_by_failures'),
  ('evaluating_results', 'complete'), ('evaluating_results', 'error'), ('evaluating_results', 'cancelled'),
  ('waiting_for_dependencies', 'evaluating_results'), ('waiting_for_dependencies', 'error'),
  ('waiting_for_dependencies', 'cancelled'),
  ('waiting_for_retry', 'evaluating_results'), ('waiting_for_retry', 'error'), ('waiting_for_retry', 'cancelled'),
  ('blocked_by_failures', 'evaluating_results'), ('blocked_by_failures', 'error'),
  ('blocked_by_failures', 'resolved_manually'), ('blocked_by_failures', 'cancelled'),
  ('error', 'resolved_manually');

INSERT INTO tasker.allowed_step_transitions (from_state, to_state) VALUES
  ('pending', 'enqueued'), ('pending', 'cancelled'),
  ('enqueued', 'in_progress'), ('enqueued', 'cancelled'),
  ('in_progress', 'enqueued_for_orchestration'), ('in_progress', 'enqueued_as_error_for_orchestration'),
  ('in_progress', 'cancelled'),
  ('enqueued_for_orchestration', 'complete'), ('enqueued_for_orchestration', 'cancelled'),
  ('enqueued_as_error_for_orchestration', 'waiting_for_retry'), ('enqueued_as_error_for_orchestration', 'error'),
  ('enqueued_as_error_for_orchestration', 'cancelled'),
  ('waiting_for_retry', 'pending'), ('waiting_for_retry', 'enqueued'), ('waiting_for_retry', 'error'),
  ('waiting_for_retry', 'cancelled'),
  ('error', 'resolved_manually');

-- _raise_illegal_transition: raises TK001 naming the entity, from and to, with the allowed targets of
-- from as the hint. Takes no locks. Never returns.
CREATE OR REPLACE FUNCTION tasker._raise_illegal_transition(entity text, from_state text, to_state text)
RETURNS void
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  allowed text;
BEGIN
  IF entity = 'task' THEN
    SELECT string_agg(a.to_state, ', ' ORDER BY a.to_state) INTO allowed
    FROM tasker.allowed_task_transitions a WHERE a.from_state = _raise_illegal_transition.from_state;
  ELSE
    SELECT string_agg(a.to_state, ', ' ORDER BY a.to_state) INTO allowed
    FROM tasker.allowed_step_transitions a WHERE a.from_state = _raise_illegal_transition.from_state;
  END IF;
  RAISE EXCEPTION 'illegal % transition from % to %', entity, coalesce(from_state, 'NULL'), coalesce(to_state, 'NULL')
    USING ERRCODE = 'TK001',
      HINT = format('%s allows: %s', coalesce(from_state, 'NULL'), coalesce(allowed, 'nothing (terminal state)'));
END
$$;

-- transition_task_state_atomic: moves a task from from_state to to_state if and only if from_state is
-- its current state (compare-and-swap), records the transition (appended, sort_key + 1),
-- and refreshes tasks.ready_at (and complete/completed_at on complete). Raises TK001 for a transition
-- not in allowed_task_transitions, TK002 for an unknown task. Locks: the task row (FOR NO KEY UPDATE,
-- through the UPDATE) until the caller's transaction ends; a concurrent caller waits, then sees the new
-- state and loses. Use READ COMMITTED (under REPEATABLE READ the loser gets a serialization failure).
-- Returns true if this caller made the transition, false if the task was not in from_state.
CREATE OR REPLACE FUNCTION tasker.transition_task_state_atomic(
  task_uuid uuid, from_state text, to_state text, metadata jsonb DEFAULT '{}')
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  PERFORM FROM tasker.allowed_task_transitions a
  WHERE a.from_state = transition_task_state_atomic.from_state AND a.to_state = transition_task_state_atomic.to_state;
  IF NOT FOUND THEN
    PERFORM tasker._raise_illegal_transition('task', from_state, to_state);
  END IF;

  UPDATE tasker.tasks t
  SET current_state = transition_task_state_atomic.to_state,
    ready_at = tasker._task_ready_at(t.task_uuid, transition_task_state_atomic.to_state, t.requested_at),
    complete = transition_task_state_atomic.to_state = 'complete',
    completed_at = CASE WHEN transition_task_state_atomic.to_state = 'complete' THEN now() END,
    updated_at = now()
  WHERE t.task_uuid = transition_task_state_atomic.task_uuid
    AND t.current_state = transition_task_state_atomic.from_state;
  IF NOT FOUND THEN
    PERFORM FROM tasker.tasks t WHERE t.task_uuid = transition_task_state_atomic.task_uuid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no task %', task_uuid USING ERRCODE = 'TK002';
    END IF;
    RETURN false;
  END IF;

  PERFORM tasker._record_task_transitions(task_uuid, ARRAY[from_state, to_state], metadata);
  RETURN true;
END
$$;
COMMENT ON FUNCTION tasker.transition_task_state_atomic(uuid, text, text, jsonb) IS
  'Compare-and-swap of a task''s state: true if this caller moved it from from_state to to_state, false '
  'if it was not in from_state. Raises TK001 for an illegal transition, TK002 for an unknown task.';

-- transition_step_state_atomic: moves a workflow step from from_state to to_state if and only if
-- from_state is its current state (compare-and-swap) and records the transition. Side effects on the
-- step: in_progress counts an attempt (attempts + 1, last_attempted_at); entering
-- enqueued_as_error_for_orchestration stamps last_failure_at; complete/resolved_manually set
-- processed; in_process is true from enqueued to the orchestration hand-back. When the transition can
-- change which steps are ready (from or to pending, waiting_for_retry, complete, resolved_manually) it
-- refreshes the task's ready_at. Raises TK001 / TK002 as the task variant. Locks, always in the order
-- task then step (so two transactions moving steps of one task cannot deadlock): the task row FOR NO
-- KEY UPDATE when ready_at may change, then the step row (through the UPDATE), both until the caller's
-- transaction ends. Returns true if this caller made the transition, false if the step was not in
-- from_state.
CREATE OR REPLACE FUNCTION tasker.transition_step_state_atomic(
  step_uuid uuid, from_state text, to_state text, metadata jsonb DEFAULT '{}')
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  affects_readiness boolean := from_state IN ('pending', 'waiting_for_retry', 'complete', 'resolved_manually')
    OR to_state IN ('pending', 'waiting_for_retry', 'complete', 'resolved_manually');
  owner_task uuid;
  owner_state text;
  owner_requested_at timestamptz;
  new_ready_at timestamptz;
BEGIN
  PERFORM FROM tasker.allowed_step_transitions a
  WHERE a.from_state = transition_step_state_atomic.from_state AND a.to_state = transition_step_state_atomic.to_state;
  IF NOT FOUND THEN
    PERFORM tasker._raise_illegal_transition('step', from_state, to_state);
  END IF;

  IF affects_readiness THEN
    SELECT t.task_uuid, t.current_state, t.requested_at INTO owner_task, owner_state, owner_requested_at
    FROM tasker.tasks t
    WHERE t.task_uuid = (SELECT s.task_uuid FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = step_uuid)
    FOR NO KEY UPDATE;
  END IF;

  UPDATE tasker.workflow_steps s
  SET current_state = transition_step_state_atomic.to_state,
    attempts = s.attempts + (transition_step_state_atomic.to_state = 'in_progress')::integer,
    last_attempted_at = CASE WHEN transition_step_state_atomic.to_state = 'in_progress' THEN now()
      ELSE s.last_attempted_at END,
    last_failure_at = CASE WHEN transition_step_state_atomic.to_state = 'enqueued_as_error_for_orchestration'
      THEN now() ELSE s.last_failure_at END,
    in_process = transition_step_state_atomic.to_state IN
      ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'),
    processed = s.processed OR transition_step_state_atomic.to_state IN ('complete', 'resolved_manually'),
    processed_at = CASE WHEN transition_step_state_atomic.to_state IN ('complete', 'resolved_manually')
      THEN now() ELSE s.processed_at END,
    updated_at = now()
  WHERE s.workflow_step_uuid = transition_step_state_atomic.step_uuid
    AND s.current_state = transition_step_state_atomic.from_state;
  IF NOT FOUND THEN
    PERFORM FROM tasker.workflow_steps s WHERE s.workflow_step_uuid = transition_step_state_atomic.step_uuid;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no workflow step %', step_uuid USING ERRCODE = 'TK002';
    END IF;
    RETURN false;
  END IF;

  PERFORM tasker._record_step_transitions(step_uuid, ARRAY[from_state, to_state], metadata);

  IF affects_readiness THEN
    new_ready_at := tasker._task_ready_at(owner_task, owner_state, owner_requested_at);
    UPDATE tasker.tasks t SET ready_at = new_ready_at
    WHERE t.task_uuid = owner_task AND t.ready_at IS DISTINCT FROM new_ready_at;
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION tasker.transition_step_state_atomic(uuid, text, text, jsonb) IS
  'Compare-and-swap of a workflow step''s state: true if this caller moved it from from_state to '
  'to_state, false if it was not in from_state. Raises TK001 for an illegal transition, TK002 for an '
  'unknown step.';

-- _advance_task: moves a task along p_path (p_path[1] its expected current state, then each next
-- state), recording one transition per hop, in one update of the task row: the set-based sibling of
-- transition_task_state_atomic (same columns: ready_at refreshed once at the end, complete and
-- completed_at on complete). Locks: the task row (through the UPDATE) until the caller's transaction
-- ends. Raises TK001 for a hop not in allowed_task_transitions. Returns true if the task was in
-- p_path[1] and moved, false otherwise.
CREATE OR REPLACE FUNCTION tasker._advance_task(p_task_uuid uuid, p_path text[], p_metadata jsonb DEFAULT '{}')
RETURNS boolean
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_last text := p_path[cardinality(p_path)];
  v_bad integer;
BEGIN
  SELECT min(i) INTO v_bad FROM generate_subscripts(p_path, 1) i
  WHERE i > 1 AND NOT EXISTS (
    SELECT FROM tasker.allowed_task_transitions a WHERE a.from_state = p_path[i - 1] AND a.to_state = p_path[i]);
  IF v_bad IS NOT NULL THEN
    PERFORM tasker._raise_illegal_transition('task', p_path[v_bad - 1], p_path[v_bad]);
  END IF;

  UPDATE tasker.tasks t
  SET current_state = v_last,
    ready_at = tasker._task_ready_at(t.task_uuid, v_last, t.requested_at),
    complete = v_last = 'complete',
    completed_at = CASE WHEN v_last = 'complete' THEN now() END,
    updated_at = now()
  WHERE t.task_uuid = p_task_uuid AND t.current_state = p_path[1];
  IF NOT FOUND THEN
    RETURN false;
  END IF;

  PERFORM tasker._record_task_transitions(p_task_uuid, p_path, p_metadata);
  RETURN true;
END
$$;

-- _transition_steps: moves every step in p_step_uuids whose current state may go to p_to_state
-- (per allowed_step_transitions) to p_to_state and records the transitions: the set-based sibling of
-- transition_step_state_atomic, with its column side effects. It does not refresh tasks.ready_at: the
-- caller does (through _advance_task). Locks: the task rows must already be held by the caller (task
-- before step, as everywhere); the step rows through the UPDATE. Returns the steps moved.
CREATE OR REPLACE FUNCTION tasker._transition_steps(p_step_uuids uuid[], p_to_state text, p_metadata jsonb DEFAULT '{}')
RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE
-- one generic plan of key lookups (see "Plans" in 01_schema.sql)
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_moved uuid[];
BEGIN
  -- two statements: the update takes the step rows (waiting for any concurrent writer), and the
  -- append, a new statement with a new snapshot, then sees each step's latest transition; the row
  -- locks keep it the latest until commit
  WITH moved AS (
    UPDATE tasker.workflow_steps s
    SET current_state = p_to_state,
      attempts = s.attempts + (p_to_state = 'in_progress')::integer,
      last_attempted_at = CASE WHEN p_to_state = 'in_progress' THEN now() ELSE s.last_attempted_at END,
      last_failure_at = CASE WHEN p_to_state = 'enqueued_as_error_for_orchestration' THEN now()
        ELSE s.last_failure_at END,
      in_process = p_to_state IN
        ('enqueued', 'in_progress', 'enqueued_for_orchestration', 'enqueued_as_error_for_orchestration'),
      processed = s.processed OR p_to_state IN ('complete', 'resolved_manually'),
      processed_at = CASE WHEN p_to_state IN ('complete', 'resolved_manually') THEN now() ELSE s.processed_at END,
      updated_at = now()
    WHERE s.workflow_step_uuid = ANY (p_step_uuids)
      AND EXISTS (SELECT FROM tasker.allowed_step_transitions a
                  WHERE a.from_state = s.current_state AND a.to_state = p_to_state)
    RETURNING s.workflow_step_uuid
  )
  SELECT coalesce(array_agg(m.workflow_step_uuid), '{}') INTO v_moved FROM moved m;
  IF cardinality(v_moved) > 0 THEN
    -- from_state: the step's latest recorded state, the one it just left
    INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
    SELECT u.uuid, l.to_state, p_to_state, coalesce(p_metadata, '{}'), l.sort_key + 1
    FROM unnest(v_moved) u(uuid)
    CROSS JOIN LATERAL (
      SELECT st.to_state, st.sort_key FROM tasker.workflow_step_transitions st
      WHERE st.workflow_step_uuid = u.uuid ORDER BY st.sort_key DESC LIMIT 1) l;
  END IF;
  RETURN QUERY SELECT unnest(v_moved);
END
$$;

-- _record_step_transitions: appends the hops of p_path (p_path[1] the state the step was in) to the
-- step's audit trail in one insert, p_metadata on the last hop. Locks: the
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
  SELECT max(st.sort_key) INTO v_prev FROM tasker.workflow_step_transitions st WHERE st.workflow_step_uuid = p_step;
  INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, metadata, sort_key)
  SELECT p_step, p_path[i - 1], p_path[i],
    CASE WHEN i = cardinality(p_path) THEN coalesce(p_metadata, '{}') ELSE '{}' END,
    coalesce(v_prev, -1) + i - 1
  FROM generate_series(2, cardinality(p_path)) i;
END
$$;

-- _record_task_transitions: the task sibling of _record_step_transitions, except that p_metadata goes
-- on every hop (as _advance_task has always recorded a path). Returns nothing.
CREATE OR REPLACE FUNCTION tasker._record_task_transitions(p_task uuid, p_path text[], p_metadata jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
AS $$
DECLARE
  v_prev integer;
BEGIN
  SELECT max(tt.sort_key) INTO v_prev FROM tasker.task_transitions tt WHERE tt.task_uuid = p_task;
  INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, metadata, sort_key)
  SELECT p_task, p_path[i - 1], p_path[i], coalesce(p_metadata, '{}'), coalesce(v_prev, -1) + i - 1
  FROM generate_series(2, cardinality(p_path)) i;
END
$$;
