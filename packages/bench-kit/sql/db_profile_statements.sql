-- Statements of the given databases from pg_stat_statements, by total execution time, for
-- `bench:profile --db` (src/profile/statementStats.ts).
--
-- Input: $1 oid[] — the databases to report (the run's clones; a database dropped by its bench file
-- keeps its rows here under its old oid, so the caller passes oids it saw while they existed).
-- Returns one row per (database, statement, nesting level): with pg_stat_statements.track = all a
-- statement run inside a PL/pgSQL function is a row of its own with toplevel = false, beside the
-- function call that ran it (whose time includes it). Takes no locks beyond the view's shared lock on
-- its hash table; reads the query texts file.
select s.dbid::int8 as dbid,
       s.toplevel,
       s.queryid::text as queryid,
       s.query,
       s.calls,
       s.total_exec_time,
       s.rows,
       s.shared_blks_hit,
       s.shared_blks_read
  from pg_stat_statements s
 where s.dbid = any ($1::oid[])
 order by s.total_exec_time desc;
