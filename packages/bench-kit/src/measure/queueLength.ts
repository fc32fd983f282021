/**
 * How many messages a PGMQ queue holds now, visible or hidden (`queue_length` of PGMQ's own
 * `pgmq.metrics`), for a bench to check that the work it timed left nothing behind. The same
 * function serves the real extension and tasker's compatible layer.
 */
import type pg from 'pg';

export async function queueLength(db: pg.Pool | pg.ClientBase, queue: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select queue_length as n from pgmq.metrics($1)', [queue]);
  const n = Number(rows[0]?.n);
  if (!Number.isInteger(n)) throw new Error(`pgmq.metrics(${queue}) returned no queue_length`);
  return n;
}
