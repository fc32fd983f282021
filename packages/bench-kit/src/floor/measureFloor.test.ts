import { expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { measureFloor } from './measureFloor.ts';

const db = useTestDatabase('measure_floor');

test('the floor: finite positive p50s of a round trip, NOTIFY → LISTEN and a commit', async () => {
  const floor = await measureFloor(db.connectionString, { tries: 60, warmup: 5 });
  expect(floor.tries).toBe(60);
  for (const ms of [floor.roundTripMs, floor.notifyMs, floor.commitMs]) {
    expect(Number.isFinite(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  }
  // a notification is sent by a round trip and delivered at its commit: it cannot beat a bare round trip
  expect(floor.notifyMs).toBeGreaterThan(floor.roundTripMs * 0.5);
  // the scratch table is gone
  const { rows } = await db.pool.query<{ n: number }>(
    "select count(*)::int as n from pg_class where relname like 'tasker_floor_%'",
  );
  expect(rows[0]?.n).toBe(0);
});

test('bad options name the field', async () => {
  await expect(measureFloor(db.connectionString, { tries: 0 })).rejects.toThrow(
    'measureFloor: tries must be an integer ≥ 1, got 0',
  );
  await expect(measureFloor(db.connectionString, { warmup: 1.5 })).rejects.toThrow(
    /warmup must be an integer/,
  );
});
