-- The cost meter's statement count (src/cost/costMeter.ts): calls of every top-level statement
-- pg_stat_statements has seen in this database since its last reset, and how often it has evicted
-- entries (pg_stat_statements_info.dealloc: an eviction between two readings loses calls, so the
-- meter then reports the count as unavailable). Which statements are tracked follows the server's
-- pg_stat_statements.track and track_utility (read by cost_statements_setup.sql). Read-only.
select coalesce(sum(calls), 0)::text as calls,
       (select dealloc from pg_stat_statements_info)::text as dealloc
from pg_stat_statements
where dbid = (select oid from pg_database where datname = current_database())
  and toplevel;
