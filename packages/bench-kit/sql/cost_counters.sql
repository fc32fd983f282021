-- One reading of the cost meter's transaction and WAL counters (src/cost/costMeter.ts), in one
-- statement so both are read at one point in time. Read-only and assigns no transaction id
-- (pg_current_snapshot does not; pg_current_xact_id would). next_xid is the snapshot's xmax: the
-- xid after the latest completed one, so ids below it at the first reading were assigned before
-- the window. Both are text: an xid8 and an LSN do not fit a JavaScript number exactly.
select pg_snapshot_xmax(pg_current_snapshot())::text as next_xid,
       pg_current_wal_insert_lsn()::text as wal_insert_lsn;
