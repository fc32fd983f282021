import { expect, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { isMeasurementArtifact } from '../record/record.ts';
import { explainQuery, recordQueryPlan } from './explainQuery.ts';

const db = useTestDatabase();

test('a seq scan over 20,000 rows is flagged; the plan is recorded as a measurement', async ({ task }) => {
  const client = await db.pool.connect();
  try {
    await client.query('create table explain_big as select g from generate_series(1, 20000) g');
    const plan = await recordQueryPlan(
      task,
      'count big',
      client,
      'select count(*) from explain_big where g > $1',
      [5],
    );
    expect(plan.executionMs).toBeGreaterThan(0);
    expect(plan.seqScans).toEqual([{ relation: 'explain_big', rowsTouched: 20_000 }]);
    expect(plan.warnings).toEqual(['Seq Scan on explain_big touched 20,000 rows (> 10,000)']);
    expect(plan.bufferHitRatio).toBeGreaterThan(0);
    const recorded = task.artifacts.filter(isMeasurementArtifact);
    expect(recorded).toMatchObject([
      { name: 'count big', measurement: { kind: 'plan', plan: { executionMs: plan.executionMs } } },
    ]);
  } finally {
    client.release();
  }
});

test('EXPLAIN ANALYZE of a write is rolled back', async () => {
  const client = await db.pool.connect();
  try {
    await client.query('create table explain_writes (id int)');
    await explainQuery(client, 'insert into explain_writes values ($1)', [1]);
    const { rows } = await client.query<{ n: string }>('select count(*) as n from explain_writes');
    expect(rows[0]?.n).toBe('0');
  } finally {
    client.release();
  }
});
