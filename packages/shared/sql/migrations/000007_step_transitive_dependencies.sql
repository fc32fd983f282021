-- tasker transitive dependencies: every ancestor of a step, with its distance and results, for handlers that read upstream results.
--
-- A recursive walk up workflow_step_edges from one step through workflow_step_edges_to_step_idx
-- (index-only, child → parents): it touches only that step's ancestors. The depth cap (50) also ends
-- the walk if a cycle ever slipped into the edges.

-- get_step_transitive_dependencies: the ancestors of step_uuid, each once, at its shortest distance
-- (1 = a parent). Takes no locks. Returns one row per ancestor, nearest first, then by name.
CREATE OR REPLACE FUNCTION tasker.get_step_transitive_dependencies(step_uuid uuid)
RETURNS TABLE (
  workflow_step_uuid uuid, name text, current_state text, results jsonb, processed boolean, distance integer)
LANGUAGE plpgsql STABLE
-- one cached plan per session: custom plans (re-planned on every call, ~1.5 ms) win the cost
-- comparison for NULL/array parameters although the generic plan is the same index walk
SET plan_cache_mode = force_generic_plan
-- that one plan is made from the statistics of the moment: in a new database the tables are empty
-- and a sequential scan looks cheapest, and the cached plan would keep scanning as they grow; every
-- lookup here is by key, so seq scans are ruled out (tables without a usable index still get one)
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH RECURSIVE ancestors (ancestor_uuid, distance) AS (
    SELECT e.from_step_uuid, 1
    FROM tasker.workflow_step_edges e
    WHERE e.to_step_uuid = get_step_transitive_dependencies.step_uuid
    UNION
    SELECT e.from_step_uuid, a.distance + 1
    FROM ancestors a
    JOIN tasker.workflow_step_edges e ON e.to_step_uuid = a.ancestor_uuid
    WHERE a.distance < 50
  )
  SELECT s.workflow_step_uuid, ns.name, s.current_state, s.results, s.processed, a.distance
  FROM (SELECT ancestor_uuid, min(distance) AS distance FROM ancestors GROUP BY ancestor_uuid) a
  JOIN tasker.workflow_steps s ON s.workflow_step_uuid = a.ancestor_uuid
  JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid
  ORDER BY a.distance, ns.name;
END
$$;
COMMENT ON FUNCTION tasker.get_step_transitive_dependencies(uuid) IS
  'Every ancestor of a step (depth-capped at 50) with its shortest distance, state and results.';
