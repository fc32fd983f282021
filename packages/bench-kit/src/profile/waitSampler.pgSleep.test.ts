import { expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { firstWords, startWaitSampler } from './waitSampler.ts';

const db = useTestDatabase();

test('a backend in pg_sleep is sampled as Timeout:PgSleep; the sampler does not see itself or idle backends', async () => {
  const idle = await db.pool.connect(); // connected, idle: not a sample
  const sleeper = await db.pool.connect();
  try {
    const sampler = await startWaitSampler(db.connectionString, { databasePrefix: db.name, intervalMs: 10 });
    await sleeper.query('select pg_sleep(0.4)');
    const samples = await sampler.stop();
    expect(await sampler.stop()).toBe(samples);
    expect(samples.errors).toBe(0);
    expect(samples.ticks).toBeGreaterThan(10);
    const sleeping = samples.counts.find((c) => c.wait === 'Timeout:PgSleep');
    expect(sleeping).toMatchObject({ database: db.name, state: 'active', query: 'select pg_sleep(0.4)' });
    // one sleeping backend at most per sample, and in most of the samples taken during the sleep
    expect(sleeping?.samples).toBeLessThanOrEqual(samples.ticks);
    expect(sleeping?.samples).toBeGreaterThan(samples.ticks / 2);
    expect(samples.counts.every((c) => c.query !== firstWords(''))).toBe(true);
    expect([...samples.databases.values()]).toEqual([db.name]);
  } finally {
    idle.release();
    sleeper.release();
  }
});

test('firstWords collapses whitespace and cuts at a word boundary', () => {
  expect(firstWords('select *\n  from   t')).toBe('select * from t');
  expect(firstWords('select * from tasker.claim_step_messages($1, $2, $3)', 40)).toBe(
    'select * from tasker.claim_step_messages…',
  );
  expect(firstWords('select aaaa bbbb cccc', 12)).toBe('select aaaa…');
});
