-- tasker transitive dependencies: every ancestor of a step, with its distance and results, for handlers that read upstream results.
--
-- A recursive walk up workflow_step_edges from one step through workflow_step_edges_to_step_idx
-- (index-only, child → parents): it touches only that step's ancestors. The depth cap (50) also ends
-- the walk if a cycle ever slipped into the edges.
--
-- Why the walk is pinned to nested loops: like every key-lookup function it keeps one generic plan
-- per session, made from the statistics of the moment it is first called (see "Plans" in
-- 01_schema.sql). A worker that starts on a young database (a few hundred steps) would cache a plan
-- that hash-joins the recursion against a full index scan of workflow_step_edges and the result
-- against a full index scan of workflow_steps: cheap then, but O(table) per call as the tables grow.
-- Seen in the throughput bench under pg_stat_statements and auto_explain: 10.5 ms mean per call
-- (600 steps read to return 3) after a few thousand tasks, 40% of the database's time; the scaling
-- bench did not see it because its plans are made after seeding and ANALYZE. Every join here is "the
-- rows of this key", so hash, merge and bitmap scans (which read a whole side or a whole bitmap) are
-- ruled out: the only plans left are nested loops over index lookups, whose cost follows the step's
-- ancestors, not the table. packages/shared/src/tasks/keyLookupPlans.test.ts guards it by counting
-- the tuples a call reads after the tables grow under a cached plan.

-- get_step_transitive_dependencies: the ancestors of step_uuid, each once, at its shortest distance
-- (1 = a parent). Takes no locks. Returns one row per ancestor, nearest first, then by name.
CREATE OR REPLACE FUNCTION tasker.get_step_transitive_dependencies(step_uuid uuid)
RETURNS TABLE (
  workflow_step_uuid uuid, name text, current_state text, results jsonb, processed boolean, distance integer)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_bitmapscan = off
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
  'Every ancestor of a step (depth-capped at 50) with its shortest distance, state and results; '
  'nested-loop key lookups only, whatever the statistics were when its plan was cached.';

-- _step_dependencies: every ancestor of a step with its results, nearest first, as the jsonb array
-- handlers receive ({step_uuid, name, results, distance}); '[]' for a root. A key-lookup walk up the
-- edges (workflow_step_edges_to_step_idx). Takes no locks.
CREATE OR REPLACE FUNCTION tasker._step_dependencies(p_step uuid)
RETURNS jsonb
LANGUAGE sql STABLE
SET plan_cache_mode = force_generic_plan
SET enable_seqscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_bitmapscan = off
BEGIN ATOMIC
  WITH RECURSIVE ancestors (uuid, distance) AS (
    SELECT e.from_step_uuid, 1 FROM tasker.workflow_step_edges e WHERE e.to_step_uuid = p_step
    UNION
    SELECT e.from_step_uuid, a.distance + 1
    FROM ancestors a JOIN tasker.workflow_step_edges e ON e.to_step_uuid = a.uuid
  ), nearest AS (
    SELECT a.uuid, min(a.distance) AS distance FROM ancestors a GROUP BY a.uuid
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object('step_uuid', s.workflow_step_uuid, 'name', ns.name,
      'results', s.results, 'distance', n.distance) ORDER BY n.distance, ns.name), '[]'::jsonb)
  FROM nearest n
  JOIN tasker.workflow_steps s ON s.workflow_step_uuid = n.uuid
  JOIN tasker.named_steps ns ON ns.named_step_uuid = s.named_step_uuid;
END;
