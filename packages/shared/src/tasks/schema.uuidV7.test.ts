/**
 * Primary keys are UUIDv7: the default (built-in uuidv7() on PostgreSQL 18) and the portable fallback
 * for older servers both produce version-7, RFC 9562-variant, time-ordered uuids.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';

const db = useTestDatabase();
const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(['tasker.uuid_v7', 'tasker._uuid_v7_portable'])('%s()', (fn) => {
  test('is version 7, variant RFC 9562, and carries the current millisecond', async () => {
    const { rows } = await db.pool.query<{ id: string; ms: string; now_ms: string }>(
      `select id::text, ('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint::text as ms,
         (extract(epoch from clock_timestamp()) * 1000)::bigint::text as now_ms
       from (select ${fn}() as id) x`,
    );
    const row = rows[0];
    expect(row?.id).toMatch(V7);
    expect(Math.abs(Number(row?.ms) - Number(row?.now_ms))).toBeLessThan(1000);
  });

  test('ids made a millisecond apart sort in creation order', async () => {
    const { rows } = await db.pool.query<{ ordered: boolean }>(
      `with ids as (select g, ${fn}() as id from generate_series(1, 5) g, lateral pg_sleep(0.002 + g * 0))
       select array_agg(id order by g) = array_agg(id order by id) as ordered from ids`,
    );
    expect(rows[0]?.ordered).toBe(true);
  });
});
