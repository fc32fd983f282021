-- Template registry: register_named_task upserts a namespace, a named task and its named steps from a workflow template, and creates the namespace's worker queue.
--
-- The template is stored whole in named_tasks.configuration (the JSON of a WorkflowTemplate from
-- packages/shared/src/templates): task creation (09_task_creation.sql) reads the step dependencies from there to
-- build each task's edges. A namespace/name/version is immutable once registered: registering it
-- again with the same steps is a no-op, with different steps an error (bump the version instead).
--
-- Errors, class TK:
--   TKR01  the template's namespace/name/version is registered with different steps
--   TKR02  the template JSON is malformed (no steps array, a step without name or handler)
-- Parameters are prefixed p_ throughout this file, 09_task_creation.sql and 10_result_processing.sql, so they never shadow columns.

-- register_named_task: registers p_template (a WorkflowTemplate as jsonb). Locks: ROW EXCLUSIVE on
-- task_namespaces, named_tasks and named_steps; concurrent registrations of one template serialise
-- on the named_tasks unique key, the later one then compares and returns. Creates
-- worker_<namespace>_queue through pgmq.create (idempotent). Returns the named_task_uuid.
-- Runs as its owner (SECURITY DEFINER), so the queue table it creates belongs to the schema's owner
-- like every other (12_access.sql); the orchestration role may call it. Raises TKR01, TKR02.
CREATE OR REPLACE FUNCTION tasker.register_named_task(p_template jsonb)
RETURNS uuid
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_namespace text := p_template->>'namespace';
  v_name      text := p_template->>'name';
  v_version   text := p_template->>'version';
  v_ns_uuid   uuid;
  v_task_uuid uuid;
  v_existing  jsonb;
BEGIN
  IF jsonb_typeof(p_template->'steps') IS DISTINCT FROM 'array' OR v_namespace IS NULL OR v_name IS NULL
     OR v_version IS NULL OR EXISTS (
       SELECT FROM jsonb_array_elements(p_template->'steps') s
       WHERE s->>'name' IS NULL OR s->>'handler' IS NULL) THEN
    RAISE EXCEPTION 'malformed template %/%@%: it needs namespace, name, version and steps with name and handler',
      v_namespace, v_name, v_version
      USING ERRCODE = 'TKR02', HINT = 'Pass a template checked by validateTemplate().';
  END IF;

  INSERT INTO tasker.task_namespaces (name) VALUES (v_namespace) ON CONFLICT (name) DO NOTHING;
  SELECT tn.task_namespace_uuid INTO v_ns_uuid FROM tasker.task_namespaces tn WHERE tn.name = v_namespace;

  INSERT INTO tasker.named_tasks (task_namespace_uuid, name, version, description, configuration)
  VALUES (v_ns_uuid, v_name, v_version, p_template->>'description', p_template)
  ON CONFLICT (task_namespace_uuid, name, version) DO NOTHING
  RETURNING named_task_uuid INTO v_task_uuid;

  IF v_task_uuid IS NULL THEN
    SELECT nt.named_task_uuid, nt.configuration INTO v_task_uuid, v_existing
    FROM tasker.named_tasks nt
    WHERE nt.task_namespace_uuid = v_ns_uuid AND nt.name = v_name AND nt.version = v_version;
    IF v_existing->'steps' IS DISTINCT FROM p_template->'steps' THEN
      RAISE EXCEPTION 'template %/%@% is already registered with different steps', v_namespace, v_name, v_version
        USING ERRCODE = 'TKR01', HINT = 'A registered version is immutable: bump the version.';
    END IF;
    RETURN v_task_uuid;
  END IF;

  INSERT INTO tasker.named_steps (named_task_uuid, name, handler, retryable, max_attempts, backoff_seconds)
  SELECT v_task_uuid, s->>'name', s->>'handler',
    coalesce((s->'retry'->>'retryable')::boolean, true),
    coalesce((s->'retry'->>'max_attempts')::integer, 3),
    (s->'retry'->>'backoff_seconds')::integer
  FROM jsonb_array_elements(p_template->'steps') s;

  PERFORM pgmq.create('worker_' || v_namespace || '_queue');
  RETURN v_task_uuid;
END
$$;
COMMENT ON FUNCTION tasker.register_named_task(jsonb) IS
  'Registers a workflow template (namespace, named task, named steps, worker queue); idempotent for an '
  'identical template, TKR01 if the version exists with different steps. Returns the named_task_uuid.';

-- _resolve_template: the registered template namespace/name at version, or at the highest
-- registered version (semantic order; versions that are not x.y.z last) when version is NULL; no row
-- when none matches. The one home of template resolution for create_task and create_tasks; a plain
-- SQL query, which the planner inlines into its callers. Takes no locks.
CREATE OR REPLACE FUNCTION tasker._resolve_template(p_namespace text, p_name text, p_version text)
RETURNS TABLE (named_task_uuid uuid, version text, configuration jsonb)
LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT nt.named_task_uuid, nt.version, nt.configuration
  FROM tasker.named_tasks nt
  JOIN tasker.task_namespaces tn ON tn.task_namespace_uuid = nt.task_namespace_uuid
  WHERE tn.name = p_namespace AND nt.name = p_name AND (p_version IS NULL OR nt.version = p_version)
  ORDER BY CASE WHEN nt.version ~ '^\d+\.\d+\.\d+$' THEN string_to_array(nt.version, '.')::integer[] END
    DESC NULLS LAST
  LIMIT 1;
END;
