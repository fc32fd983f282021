-- The databases whose name starts with a prefix (the run's `tasker_<run>_`), with their oids, so
-- `bench:profile --db` can name pg_stat_statements rows after their database is dropped
-- (src/profile/waitSampler.ts). Input: $1 text — the prefix. Returns (oid, datname); no locks.
select oid::int8 as oid, datname from pg_database where starts_with(datname, $1);
