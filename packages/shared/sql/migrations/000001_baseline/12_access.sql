-- Access: the three database roles tasker's services and readers log in through (as members), and what each may do.
--
--   tasker_orchestration  the orchestration service: reads and writes tasker's and pgmq's tables and
--                         runs every function (task creation, result processing, finalization,
--                         retries, the API's reads). Creates no tables: queues are made by
--                         register_named_task and ensure_queues, which run as their owner.
--   tasker_worker         a worker: may only claim and hand back steps — EXECUTE on
--                         claim_step_messages, complete_step, complete_steps, submit_step_result,
--                         submit_step_result_inline and ensure_queues, which run as their owner
--                         (SECURITY DEFINER, search_path pinned) — and no table access of its own:
--                         it cannot read a task's context except through a step it claimed, and a
--                         submit for a step it did not claim is fenced (11_worker_claim_submit.sql).
--   tasker_reader         dashboards: SELECT on tasker's and pgmq's tables, nothing else.
--
-- The roles are NOLOGIN groups: an operator creates login users and grants them a role
-- (CREATE ROLE app_worker LOGIN PASSWORD '…' IN ROLE tasker_worker), see docs/reliability.md.
-- Roles are cluster-wide, privileges per database: each migrated database grants its own objects to
-- the same three roles. Creating a role needs CREATEROLE; a migrating user without it gets the
-- grants only for roles that already exist (a NOTICE says which are missing), so a service can
-- still migrate a database on a server where an administrator manages roles.
-- Queue tables created later (pgmq.create through the owner's functions) are covered by default
-- privileges of the migrating role (ALTER DEFAULT PRIVILEGES … IN SCHEMA pgmq).
-- The SECURITY DEFINER functions are revoked from PUBLIC: only these roles (and the owner) run them.

DO $$
DECLARE
  v_role text;
  v_can_create boolean := (SELECT r.rolsuper OR r.rolcreaterole FROM pg_catalog.pg_roles r WHERE r.rolname = current_user);
BEGIN
  FOREACH v_role IN ARRAY ARRAY['tasker_orchestration', 'tasker_worker', 'tasker_reader'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = v_role) THEN
      IF v_can_create THEN
        BEGIN
          EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL; -- another database's migration created it meanwhile
        END;
      ELSE
        RAISE NOTICE 'role % does not exist and % may not create roles: its grants are skipped', v_role, current_user;
      END IF;
    END IF;
  END LOOP;
END
$$;

REVOKE EXECUTE ON FUNCTION
  tasker.claim_step_messages(text, integer, integer, text),
  tasker.complete_step(text, bigint, uuid, integer, jsonb, integer, integer, text),
  tasker.complete_steps(text, bigint[], uuid[], integer[], jsonb[], integer, integer, text),
  tasker.submit_step_result(text, bigint, uuid, integer, text, jsonb, boolean, integer),
  tasker.submit_step_result_inline(text, bigint, uuid, integer, text, jsonb, boolean, integer),
  tasker.ensure_queues(text[]),
  tasker.register_named_task(jsonb)
FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'tasker_worker') THEN
    GRANT USAGE ON SCHEMA tasker, pgmq TO tasker_worker;
    GRANT EXECUTE ON FUNCTION
      tasker.claim_step_messages(text, integer, integer, text),
      tasker.complete_step(text, bigint, uuid, integer, jsonb, integer, integer, text),
      tasker.complete_steps(text, bigint[], uuid[], integer[], jsonb[], integer, integer, text),
      tasker.submit_step_result(text, bigint, uuid, integer, text, jsonb, boolean, integer),
      tasker.submit_step_result_inline(text, bigint, uuid, integer, text, jsonb, boolean, integer),
      tasker.ensure_queues(text[])
    TO tasker_worker;
  END IF;

  IF EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'tasker_orchestration') THEN
    GRANT USAGE ON SCHEMA tasker, pgmq TO tasker_orchestration;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tasker, pgmq TO tasker_orchestration;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA tasker, pgmq TO tasker_orchestration;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tasker, pgmq TO tasker_orchestration;
    ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tasker_orchestration;
    ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT USAGE, SELECT ON SEQUENCES TO tasker_orchestration;
    ALTER DEFAULT PRIVILEGES IN SCHEMA tasker GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tasker_orchestration;
    ALTER DEFAULT PRIVILEGES IN SCHEMA tasker GRANT USAGE, SELECT ON SEQUENCES TO tasker_orchestration;
    ALTER DEFAULT PRIVILEGES IN SCHEMA tasker, pgmq GRANT EXECUTE ON FUNCTIONS TO tasker_orchestration;
  END IF;

  IF EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname = 'tasker_reader') THEN
    GRANT USAGE ON SCHEMA tasker, pgmq TO tasker_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA tasker, pgmq TO tasker_reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA tasker, pgmq GRANT SELECT ON TABLES TO tasker_reader;
  END IF;
END
$$;
