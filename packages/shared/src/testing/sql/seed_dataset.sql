-- Seeds a benchmark dataset set-based: N tasks over a weighted mix of templates, steps spread over
-- every state, a share of tasks finished.
--
-- Input (temp tables the caller fills in the same session, see packages/shared/src/testing/seedDataset.ts):
--   seed_params(n int, seed bigint)
--   seed_mix(template_idx int, lo int, hi int, named_task_uuid uuid, step_count int)
--                                                       -- per-mille range of each template
--   seed_shape(template_idx, named_task_uuid, step_ordinal, named_step_uuid, topo_position, depth,
--              max_attempts, retryable)                  -- one row per template step
--   seed_shape_edges(template_idx, from_ordinal, to_ordinal)
--
-- Each task g = 1..n is a deterministic function of (g, seed): its template, its scenario and its
-- frontier come from hashint8extended, so the same seed seeds the same logical dataset (uuids
-- differ, identity_hash 'bench-<seed>-<g>' does not), and the stratified sample picks the same tasks.
--
-- Fast path: a superuser caller runs this with session_replication_role = replica, which skips the
-- per-row foreign-key checks (every reference is built from rows inserted here) and the triggers
-- that record initial transitions; seed_transitions.sql (beside this file) then records those set-based.
--
-- Scenario per task (per mille of u_scenario):
--   [0, 300)    complete: every step complete
--   [300, 340)  error: the frontier step is in error after max_attempts; task error
--   [340, 360)  cancelled: steps from the frontier on cancelled; task cancelled
--   [360, 1000) in flight: the first k steps (topological order) complete, the frontier step in one
--               of pending, enqueued, in_progress, enqueued_for_orchestration, waiting_for_retry,
--               error; later steps pending. A prefix of a topological order is closed under
--               dependencies, so every state is one the engine could have reached.

CREATE TEMP TABLE seed_tasks ON COMMIT DROP AS
WITH p AS (SELECT n, seed FROM seed_params),
g AS (
  SELECT g,
         abs(hashint8extended(g, p.seed)) % 1000 AS u_template,
         abs(hashint8extended(g, p.seed + 1)) % 1000 AS u_scenario,
         abs(hashint8extended(g, p.seed + 2)) AS u_frontier,
         abs(hashint8extended(g, p.seed + 3)) % 6 AS u_state,
         p.seed
  FROM p, generate_series(1, p.n) AS g
)
SELECT g.g,
       tasker.uuid_v7() AS task_uuid,
       m.template_idx,
       m.named_task_uuid,
       m.step_count,
       g.u_scenario,
       g.u_frontier,
       g.u_state,
       g.seed
FROM g JOIN seed_mix m ON g.u_template >= m.lo AND g.u_template < m.hi;

-- the frontier position k (steps before it complete) and the frontier step's state
CREATE TEMP TABLE seed_task_plan ON COMMIT DROP AS
SELECT t.*,
       CASE
         WHEN t.u_scenario < 300 THEN t.step_count              -- all complete
         ELSE (t.u_frontier % t.step_count)::int
       END AS k,
       CASE
         WHEN t.u_scenario < 300 THEN NULL
         WHEN t.u_scenario < 340 THEN 'error'
         WHEN t.u_scenario < 360 THEN 'cancelled'
         ELSE (ARRAY['pending', 'enqueued', 'in_progress', 'enqueued_for_orchestration',
                     'waiting_for_retry', 'error'])[t.u_state + 1]
       END AS frontier_state
FROM seed_tasks t;
ANALYZE seed_task_plan;

INSERT INTO tasker.tasks (task_uuid, named_task_uuid, current_state, context, priority, identity_hash,
                          requested_at, completed_at, complete, ready_at)
SELECT p.task_uuid,
       p.named_task_uuid,
       CASE
         WHEN p.frontier_state IS NULL THEN 'complete'
         WHEN p.u_scenario < 340 THEN 'error'
         WHEN p.u_scenario < 360 THEN 'cancelled'
         WHEN p.frontier_state = 'pending' AND p.k = 0 THEN 'pending'
         WHEN p.frontier_state = 'pending' THEN 'waiting_for_dependencies'
         WHEN p.frontier_state = 'waiting_for_retry' THEN 'waiting_for_retry'
         WHEN p.frontier_state = 'error' THEN 'blocked_by_failures'
         ELSE 'steps_in_process'
       END,
       jsonb_build_object('even_number', 2 + 2 * (p.g % 5), 'seeded', true),
       (p.u_frontier % 5)::int,
       'bench-' || p.seed || '-' || p.g,
       now() - make_interval(secs => (p.g % 86400)),
       CASE WHEN p.frontier_state IS NULL THEN now() - make_interval(secs => (p.g % 3600)) END,
       p.frontier_state IS NULL,
       -- pending: ready since it was requested; in flight: computed below, once the steps exist
       CASE WHEN p.frontier_state = 'pending' AND p.k = 0 THEN now() - make_interval(secs => (p.g % 86400)) END
FROM seed_task_plan p;

CREATE TEMP TABLE seed_steps ON COMMIT DROP AS
SELECT p.task_uuid,
       s.step_ordinal,
       tasker.uuid_v7() AS step_uuid,
       s.named_step_uuid,
       s.max_attempts,
       s.retryable,
       CASE
         WHEN s.topo_position < p.k THEN 'complete'
         WHEN s.topo_position = p.k THEN p.frontier_state
         WHEN p.frontier_state = 'cancelled' THEN 'cancelled'
         ELSE 'pending'
       END AS state
FROM seed_task_plan p
JOIN seed_shape s ON s.template_idx = p.template_idx;
ANALYZE seed_steps;

INSERT INTO tasker.workflow_steps (workflow_step_uuid, task_uuid, named_step_uuid, current_state, inputs,
                                   results, attempts, max_attempts, retryable, last_attempted_at,
                                   last_failure_at, in_process, processed, processed_at)
SELECT s.step_uuid,
       s.task_uuid,
       s.named_step_uuid,
       s.state,
       '{}'::jsonb,
       CASE WHEN s.state = 'complete' THEN jsonb_build_object('result', s.step_ordinal + 1) END,
       CASE s.state
         WHEN 'pending' THEN 0
         WHEN 'enqueued' THEN 0
         WHEN 'cancelled' THEN 0
         WHEN 'error' THEN s.max_attempts
         WHEN 'waiting_for_retry' THEN least(1 + s.step_ordinal % 2, s.max_attempts - 1)
         ELSE 1
       END,
       s.max_attempts,
       s.retryable,
       CASE WHEN s.state NOT IN ('pending', 'enqueued', 'cancelled') THEN now() - interval '30 seconds' END,
       CASE WHEN s.state IN ('waiting_for_retry', 'error') THEN now() - interval '1 second' END,
       s.state IN ('in_progress', 'enqueued_for_orchestration'),
       s.state = 'complete',
       CASE WHEN s.state = 'complete' THEN now() - interval '10 seconds' END
FROM seed_steps s;

INSERT INTO tasker.workflow_step_edges (from_step_uuid, to_step_uuid)
SELECT parent.step_uuid, child.step_uuid
FROM seed_task_plan p
JOIN seed_shape_edges e ON e.template_idx = p.template_idx
JOIN seed_steps parent ON parent.task_uuid = p.task_uuid AND parent.step_ordinal = e.from_ordinal
JOIN seed_steps child ON child.task_uuid = p.task_uuid AND child.step_ordinal = e.to_ordinal;

-- ready_at of in-flight tasks, as tasker._task_ready_at (04_step_readiness.sql) defines it, computed set-based
-- (one call per task would cost ~100 µs each): the earliest next_retry_at of the task's steps that
-- are pending or waiting for retry, not in process, retry eligible and with every parent complete,
-- a step ready now counting as -infinity. tasker._next_retry_at is the engine's own formula.
-- seedDataset.test.ts checks every seeded task against tasker._task_ready_at.
WITH candidate AS (
  SELECT s.task_uuid, s.step_ordinal, ws.attempts, ws.backoff_request_seconds, ws.last_attempted_at,
         ws.last_failure_at
  FROM seed_steps s
  JOIN tasker.workflow_steps ws ON ws.workflow_step_uuid = s.step_uuid
  WHERE s.state IN ('pending', 'waiting_for_retry') AND NOT ws.in_process
    AND (ws.attempts = 0 OR (ws.retryable AND ws.attempts < ws.max_attempts))
), blocked AS (
  SELECT DISTINCT c.task_uuid, c.step_ordinal
  FROM candidate c
  JOIN seed_task_plan p ON p.task_uuid = c.task_uuid
  JOIN seed_shape_edges e ON e.template_idx = p.template_idx AND e.to_ordinal = c.step_ordinal
  JOIN seed_steps parent ON parent.task_uuid = c.task_uuid AND parent.step_ordinal = e.from_ordinal
  WHERE parent.state NOT IN ('complete', 'resolved_manually')
), ready AS (
  SELECT c.task_uuid,
         min(coalesce(tasker._next_retry_at(c.attempts, c.backoff_request_seconds, c.last_attempted_at,
                                            c.last_failure_at), '-infinity')) AS ready_at
  FROM candidate c
  LEFT JOIN blocked b ON b.task_uuid = c.task_uuid AND b.step_ordinal = c.step_ordinal
  WHERE b.task_uuid IS NULL
  GROUP BY c.task_uuid
)
UPDATE tasker.tasks t
SET ready_at = ready.ready_at
FROM ready
WHERE t.task_uuid = ready.task_uuid
  AND t.current_state NOT IN ('pending', 'complete', 'error', 'cancelled', 'resolved_manually');
