-- What happened between the cost meter's two readings (src/cost/costMeter.ts), from their
-- cost_counters.sql values: $1, $2 the next_xid of the first and the second reading; $3, $4 their
-- WAL insert positions. Returns
--   committed  transaction ids assigned in the window (first ≤ xid < second) that committed (not
--              those aborted, or still in progress at the second reading)
--   wal_bytes  WAL inserted in the window: pg_wal_lsn_diff(second, first)
-- An id is assigned only to a transaction — or a subtransaction — that writes, so read-only
-- transactions are not counted. pg_xact_status reads the commit log. Read-only; runs after the
-- window it describes, so it is not part of it.
select count(*) filter (where pg_xact_status(xid::text::xid8) = 'committed')::text as committed,
       pg_wal_lsn_diff($4::pg_lsn, $3::pg_lsn)::text as wal_bytes
from generate_series($1::bigint, $2::bigint - 1) as xid;
