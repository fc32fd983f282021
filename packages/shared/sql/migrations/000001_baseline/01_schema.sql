-- tasker's tables and indexes, with the functions they need to exist: uuid_v7 (every primary key), _task_score (an index key) and the insert triggers that record initial states.
--
-- The baseline. Migration 1 is this directory's files, concatenated in name order and applied in
-- one transaction; each file holds one concept, and each function is defined once, in its final
-- form, with its contract at its top: what it does, the locks it takes, what it returns, the errors
-- it raises. Later schema changes are numbered migrations beside this directory (000019_….sql, …),
-- applied after it. The schema they produce together, dumped from the catalog, is committed as
-- packages/shared/sql/schema.sql (`pnpm schema:dump`; CI and a test diff it).
--
-- Current state is denormalised onto tasks.current_state / workflow_steps.current_state and kept in
-- step with the transitions tables (the audit trail) by the transition functions of
-- 02_state_machine.sql and by the insert triggers below; the hot queries read only the columns.
-- Indexes were chosen from EXPLAIN (ANALYZE, BUFFERS) on 5K and 100K loaded tasks; each says which
-- query needs it.
--
-- Conventions of every file:
--   Errors carry SQLSTATEs of class TK (TK001, TKM01, …), each listed in the header of the file that
--   raises it, so TypeScript maps them to typed errors (src/tasks/sqlErrors.ts and the packages'
--   errors.ts) instead of matching messages.
--   Lock order: a task row before any of its step rows, everywhere, so two transactions working on
--   one task wait for each other instead of deadlocking.
--   Plans. The PL/pgSQL functions that read by key carry two settings:
--     SET plan_cache_mode = force_generic_plan — one cached plan per session: custom plans
--       (re-planned on every call, ~1.5 ms) win the cost comparison for NULL/array parameters
--       although the generic plan is the same index walk;
--     SET enable_seqscan = off — that one plan is made from the statistics of the moment: in a new
--       database the tables are empty and a sequential scan looks cheapest, and the cached plan would
--       keep scanning as they grow; every lookup is by key, so seq scans are ruled out (tables
--       without a usable index still get one).
--   The dependency walk (07_step_dependencies.sql) rules out hash, merge and bitmap joins as well; its
--   header says why. src/tasks/keyLookupPlans.test.ts guards both by counting the tuples a call reads
--   after the tables grow under a cached plan.

CREATE SCHEMA IF NOT EXISTS tasker;

-- _uuid_v7_portable: a UUIDv7 (RFC 9562) built from clock_timestamp() milliseconds and the random bits
-- of gen_random_uuid() (PostgreSQL 13+). Takes no locks. Returns a new uuid. Used by uuid_v7() on
-- servers older than 18, which have no uuidv7().
CREATE OR REPLACE FUNCTION tasker._uuid_v7_portable()
RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE
BEGIN ATOMIC
  -- bytes 0-5: unix milliseconds, big-endian; bits 52 and 53 turn version 4 (0100) into 7 (0111);
  -- the variant bits of gen_random_uuid() are already RFC 9562's
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid;
END;

-- uuid_v7: the primary-key default of every tasker table. On PostgreSQL 18+ the built-in uuidv7()
-- (sub-millisecond ordering inside one backend), else _uuid_v7_portable(). Decided once, here.
-- Takes no locks. Returns a new uuid.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    CREATE OR REPLACE FUNCTION tasker.uuid_v7() RETURNS uuid
      LANGUAGE sql VOLATILE PARALLEL SAFE RETURN uuidv7();
  ELSE
    CREATE OR REPLACE FUNCTION tasker.uuid_v7() RETURNS uuid
      LANGUAGE sql VOLATILE PARALLEL SAFE RETURN tasker._uuid_v7_portable();
  END IF;
END
$$;
COMMENT ON FUNCTION tasker.uuid_v7() IS
  'A new time-ordered UUIDv7: uuidv7() on PostgreSQL 18+, a portable implementation before.';

CREATE TABLE tasker.task_namespaces (
  task_namespace_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9_]{1,40}$'),
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasker.named_tasks (
  named_task_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  task_namespace_uuid uuid NOT NULL REFERENCES tasker.task_namespaces ON DELETE CASCADE,
  name text NOT NULL,
  version text NOT NULL DEFAULT '0.1.0',
  description text,
  configuration jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- also the lookup index of template resolution (namespace, name, version)
  UNIQUE (task_namespace_uuid, name, version)
);

CREATE TABLE tasker.named_steps (
  named_step_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  named_task_uuid uuid NOT NULL REFERENCES tasker.named_tasks ON DELETE CASCADE,
  name text NOT NULL,
  handler text NOT NULL,
  description text,
  -- retry policy copied onto each workflow step when a task is created
  retryable boolean NOT NULL DEFAULT true,
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  backoff_seconds integer CHECK (backoff_seconds >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (named_task_uuid, name)
);

CREATE TABLE tasker.tasks (
  task_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  named_task_uuid uuid NOT NULL REFERENCES tasker.named_tasks,
  current_state text NOT NULL DEFAULT 'pending' CHECK (current_state IN (
    'pending', 'initializing', 'enqueuing_steps', 'steps_in_process', 'evaluating_results',
    'waiting_for_dependencies', 'waiting_for_retry', 'blocked_by_failures',
    'complete', 'error', 'cancelled', 'resolved_manually')),
  context jsonb NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  priority integer NOT NULL DEFAULT 0,
  correlation_id uuid NOT NULL DEFAULT tasker.uuid_v7(),
  identity_hash text NOT NULL UNIQUE,
  initiator text,
  source_system text,
  reason text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  complete boolean NOT NULL DEFAULT false,
  -- when the task has orchestration work (pending, or a ready step: now, or a retry's next_retry_at);
  -- NULL when it has none. Maintained by the transition functions (tasker._task_ready_at).
  ready_at timestamptz DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- _task_score: the age-boosted priority of get_next_ready_tasks as an index-orderable key. The boost is
-- linear (one priority point per 300 s waited), so priority + age/300 = score + now()/300 orders like
-- score at any instant. Takes no locks. Returns a float8, higher first.
CREATE OR REPLACE FUNCTION tasker._task_score(priority integer, requested_at timestamptz)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
-- (epoch of a timestamptz difference: immutable, so the planner inlines it; extract() of a timestamptz is only stable)
RETURN priority - extract(epoch FROM requested_at - timestamptz '1970-01-01 00:00:00+00')::double precision / 300;

-- get_next_ready_tasks walks this in score order and stops after `limit` due rows: its cost does not grow
-- with the number of tasks. Only tasks with work are in it (complete/idle tasks are not), so it stays small.
CREATE INDEX tasks_ready_score_idx ON tasker.tasks (tasker._task_score(priority, requested_at) DESC)
  INCLUDE (ready_at) WHERE ready_at IS NOT NULL;
-- lookups by correlation id (tracing, the client's status view)
CREATE INDEX tasks_correlation_id_idx ON tasker.tasks (correlation_id);

CREATE TABLE tasker.workflow_steps (
  workflow_step_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  task_uuid uuid NOT NULL REFERENCES tasker.tasks ON DELETE CASCADE,
  named_step_uuid uuid NOT NULL REFERENCES tasker.named_steps,
  current_state text NOT NULL DEFAULT 'pending' CHECK (current_state IN (
    'pending', 'enqueued', 'in_progress', 'enqueued_for_orchestration',
    'enqueued_as_error_for_orchestration', 'waiting_for_retry',
    'complete', 'error', 'cancelled', 'resolved_manually')),
  inputs jsonb NOT NULL DEFAULT '{}',
  results jsonb,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  retryable boolean NOT NULL DEFAULT true,
  -- a handler's explicit backoff: retry this many seconds after last_attempted_at
  backoff_request_seconds integer CHECK (backoff_request_seconds >= 0),
  last_attempted_at timestamptz,
  -- when the last attempt failed (entry into enqueued_as_error_for_orchestration): the base of the
  -- exponential backoff
  last_failure_at timestamptz,
  in_process boolean NOT NULL DEFAULT false,
  -- the current in_progress claim: the message it holds (its worker deletes it on completion) and
  -- when its lease runs out (that message's visibility timeout); a later reader may then take it over
  claim_msg_id bigint,
  lease_until timestamptz,
  processed boolean NOT NULL DEFAULT false,
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- every per-task query (readiness, execution context, ready steps) starts here: an index scan of the
-- task's 4-10 rows instead of a scan of all steps
CREATE INDEX workflow_steps_task_uuid_idx ON tasker.workflow_steps (task_uuid);

CREATE TABLE tasker.workflow_step_edges (
  workflow_step_edge_uuid uuid PRIMARY KEY DEFAULT tasker.uuid_v7(),
  from_step_uuid uuid NOT NULL REFERENCES tasker.workflow_steps ON DELETE CASCADE,
  to_step_uuid uuid NOT NULL REFERENCES tasker.workflow_steps ON DELETE CASCADE,
  name text NOT NULL DEFAULT 'provides',
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_step_uuid <> to_step_uuid),
  -- integrity, and the children of a step (from_step_uuid leads)
  UNIQUE (from_step_uuid, to_step_uuid)
);
-- the parents of a step: readiness (total/completed parents) and transitive dependencies walk edges
-- child → parent; the INCLUDE makes both index-only lookups
CREATE INDEX workflow_step_edges_to_step_idx ON tasker.workflow_step_edges (to_step_uuid) INCLUDE (from_step_uuid);

-- The audit trails are append-only: a state change costs one insert and one index entry. The
-- current state is the row's current_state; the latest transition is the one with the highest
-- sort_key (the primary key's backward scan). Every writer holds the task / step row (it has just
-- updated it) while it appends, so two appends to one history never race for a sort_key.
CREATE TABLE tasker.task_transitions (
  task_uuid uuid NOT NULL REFERENCES tasker.tasks ON DELETE CASCADE,
  -- a task's history in order
  sort_key integer NOT NULL,
  from_state text,
  to_state text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_uuid, sort_key)
);

CREATE TABLE tasker.workflow_step_transitions (
  workflow_step_uuid uuid NOT NULL REFERENCES tasker.workflow_steps ON DELETE CASCADE,
  sort_key integer NOT NULL,
  from_state text,
  to_state text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_step_uuid, sort_key)
);

-- _record_initial_task_transitions: AFTER INSERT statement trigger on tasks; records each new task's
-- initial state (from NULL) as its first transition (sort_key 0), set-based over the inserted rows. Locks:
-- ROW EXCLUSIVE on task_transitions. Returns NULL.
CREATE OR REPLACE FUNCTION tasker._record_initial_task_transitions()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, sort_key)
  SELECT n.task_uuid, NULL, n.current_state, 0 FROM new_rows n;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_initial_transition AFTER INSERT ON tasker.tasks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION tasker._record_initial_task_transitions();

-- _record_initial_step_transitions: the same for workflow_steps. Locks: ROW EXCLUSIVE on
-- workflow_step_transitions. Returns NULL.
CREATE OR REPLACE FUNCTION tasker._record_initial_step_transitions()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, sort_key)
  SELECT n.workflow_step_uuid, NULL, n.current_state, 0 FROM new_rows n;
  RETURN NULL;
END
$$;
CREATE TRIGGER workflow_steps_initial_transition AFTER INSERT ON tasker.workflow_steps
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION tasker._record_initial_step_transitions();
