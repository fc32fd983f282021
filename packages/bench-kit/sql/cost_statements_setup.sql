-- Makes pg_stat_statements' view available in the measured database for the cost meter
-- (src/cost/costMeter.ts) and reads what it tracks. The library must be in shared_preload_libraries
-- (the embedded server preloads it); creating the extension needs a superuser. Its statistics are
-- cluster-wide: the meter filters them by the database's oid. Runs before the meter's first reading.
create extension if not exists pg_stat_statements;
select current_setting('pg_stat_statements.track') as track,
       current_setting('pg_stat_statements.track_utility') as track_utility,
       current_setting('pg_stat_statements.max') as max_entries;
