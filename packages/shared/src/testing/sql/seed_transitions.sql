-- Records the initial transition (NULL → current state) of every seeded task and step, set-based:
-- what the insert triggers of 01_schema.sql (the baseline migration) do, for the fast seeding path that runs with
-- session_replication_role = replica (where triggers do not fire). Same transaction as seed_dataset.sql.

INSERT INTO tasker.task_transitions (task_uuid, from_state, to_state, sort_key)
SELECT t.task_uuid, NULL, t.current_state, 0
FROM seed_task_plan p JOIN tasker.tasks t USING (task_uuid);

INSERT INTO tasker.workflow_step_transitions (workflow_step_uuid, from_state, to_state, sort_key)
SELECT s.step_uuid, NULL, s.state, 0
FROM seed_steps s;
