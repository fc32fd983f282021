/**
 * PGMQ on one connection: the send → read → archive round trip a step's message makes, and each
 * operation alone. Queue set-up and draining happen in the bench hooks, outside the timed function.
 */
import { benchSettings, benchTest as test } from '@tasker/bench-kit';
import type pg from 'pg';
import { expect } from 'vitest';

const QUEUE = 'bench_roundtrip';
const VISIBILITY_TIMEOUT_S = 30;
const MESSAGE = JSON.stringify({
  task_uuid: '0192f1e2-0000-7000-8000-000000000001',
  step_uuid: '0192f1e2-0000-7000-8000-000000000002',
  correlation_id: 'bench',
});

test('pgmq send → read → archive round trip', async ({ bench, db }) => {
  const client: pg.PoolClient = await db.pool.connect();
  try {
    await client.query('select pgmq.create($1)', [QUEUE]);
    let archived = 0;
    const result = await bench('send → read → archive', async () => {
      await client.query('select pgmq.send($1, $2::jsonb)', [QUEUE, MESSAGE]);
      const { rows } = await client.query<{ msg_id: string }>('select msg_id from pgmq.read($1, $2, 1)', [
        QUEUE,
        VISIBILITY_TIMEOUT_S,
      ]);
      const msgId = rows[0]?.msg_id;
      if (msgId === undefined) throw new Error('the message just sent was not read back');
      const archive = await client.query<{ archive: boolean }>(
        'select pgmq.archive($1, $2::bigint) as archive',
        [QUEUE, msgId],
      );
      if (archive.rows[0]?.archive) archived++;
    }).run(benchSettings('db'));
    expect(archived).toBeGreaterThan(0);
    expect(result.latency.samplesCount).toBeGreaterThan(0);
    // every message that was sent was read and archived: the queue is empty again
    const { rows } = await client.query<{ queue_length: string }>(
      'select queue_length from pgmq.metrics($1)',
      [QUEUE],
    );
    expect(Number(rows[0]?.queue_length)).toBe(0);
  } finally {
    await client.query('select pgmq.drop_queue($1)', [QUEUE]).catch(() => undefined);
    client.release();
  }
});
