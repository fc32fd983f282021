-- One sample of what the backends of the given databases are doing, for the wait-event sampler of
-- `bench:profile --db` (src/profile/waitSampler.ts).
--
-- Input: $1 text — database-name prefix (the run's `tasker_<run>_`).
-- Returns one row per client backend that is not idle (active, idle in transaction, …), except the
-- sampler's own: its database (oid and name), state, wait event as `type:event` (null while it runs
-- on the CPU or waits on something not instrumented) and the first 200 characters of its top-level
-- statement. pg_stat_activity is a snapshot of shared memory: no locks on user tables.
select a.datid::int8 as datid,
       a.datname,
       a.state,
       a.wait_event_type || ':' || a.wait_event as wait,
       left(a.query, 200) as query
  from pg_stat_activity a
 where starts_with(a.datname, $1)
   and a.backend_type = 'client backend'
   and a.state <> 'idle'
   and a.pid <> pg_backend_pid();
