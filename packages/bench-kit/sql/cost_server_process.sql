-- The cost meter's server process check (src/cost/costMeter.ts): this session's backend pid, which
-- leads to the postmaster through /proc when the server runs on this machine, and the postmaster's
-- start time (epoch seconds), which the meter compares with that process's own start time so a
-- local process that merely shares the pid of a remote backend is never taken for the server.
-- Read-only; takes no locks.
select pg_backend_pid() as backend_pid,
       extract(epoch from pg_postmaster_start_time())::float8 as postmaster_started_epoch;
