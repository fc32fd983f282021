/**
 * PGMQ conformance, the API's shape: every call form PGMQ 1.5 documents resolves, called with its
 * documented parameter names, to a function with PGMQ's result types — against whichever PGMQ the
 * test database has. Each form is PREPAREd, never run (pg_prepared_statements.result_types says what
 * it returns), so the table covers the whole API without creating a queue. Behaviour is asserted in
 * pgmq.conformance.test.ts and pgmq.queueLifecycle.test.ts; a consumer's view (pgflow's SQL, run
 * unmodified) in packages/e2e/test/pgflowPeer.flows.test.ts.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';

const db = useTestDatabase();

const TIMESTAMPTZ = 'timestamp with time zone';
/** pgmq.message_record: msg_id, read_ct, enqueued_at, vt, message, headers */
const MESSAGE = ['bigint', 'integer', TIMESTAMPTZ, TIMESTAMPTZ, 'jsonb', 'jsonb'];
/** pgmq.queue_record: queue_name, is_partitioned, is_unlogged, created_at */
const QUEUE = ['character varying', 'boolean', 'boolean', TIMESTAMPTZ];
/** pgmq.metrics_result (queue_visible_length since 1.5) */
const METRICS = ['text', 'bigint', 'integer', 'integer', 'bigint', TIMESTAMPTZ, 'bigint'];

type Form = { fn: string; args: Record<string, string>; returns: string[] };

const q = { queue_name: 'text' };
const form = (fn: string, args: Record<string, string>, returns: string[]): Form => ({ fn, args, returns });

/** PGMQ 1.5.1's public functions (and 1.5.2's acquire_queue_lock), each documented call form once. */
const FORMS: Form[] = [
  form('send', { ...q, msg: 'jsonb' }, ['bigint']),
  form('send', { ...q, msg: 'jsonb', headers: 'jsonb' }, ['bigint']),
  form('send', { ...q, msg: 'jsonb', delay: 'integer' }, ['bigint']),
  form('send', { ...q, msg: 'jsonb', delay: 'timestamptz' }, ['bigint']),
  form('send', { ...q, msg: 'jsonb', headers: 'jsonb', delay: 'integer' }, ['bigint']),
  form('send', { ...q, msg: 'jsonb', headers: 'jsonb', delay: 'timestamptz' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]', headers: 'jsonb[]' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]', delay: 'integer' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]', delay: 'timestamptz' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]', headers: 'jsonb[]', delay: 'integer' }, ['bigint']),
  form('send_batch', { ...q, msgs: 'jsonb[]', headers: 'jsonb[]', delay: 'timestamptz' }, ['bigint']),
  form('read', { ...q, vt: 'integer', qty: 'integer' }, MESSAGE),
  form('read', { ...q, vt: 'integer', qty: 'integer', conditional: 'jsonb' }, MESSAGE),
  form('read_with_poll', { ...q, vt: 'integer', qty: 'integer' }, MESSAGE),
  form(
    'read_with_poll',
    {
      ...q,
      vt: 'integer',
      qty: 'integer',
      max_poll_seconds: 'integer',
      poll_interval_ms: 'integer',
      conditional: 'jsonb',
    },
    MESSAGE,
  ),
  form('pop', q, MESSAGE),
  form('set_vt', { ...q, msg_id: 'bigint', vt: 'integer' }, MESSAGE),
  form('archive', { ...q, msg_id: 'bigint' }, ['boolean']),
  form('archive', { ...q, msg_ids: 'bigint[]' }, ['bigint']),
  form('delete', { ...q, msg_id: 'bigint' }, ['boolean']),
  form('delete', { ...q, msg_ids: 'bigint[]' }, ['bigint']),
  form('purge_queue', q, ['bigint']),
  form('create', q, ['void']),
  form('create_non_partitioned', q, ['void']),
  form('create_unlogged', q, ['void']),
  form('create_partitioned', q, ['void']),
  form('create_partitioned', { ...q, partition_interval: 'text', retention_interval: 'text' }, ['void']),
  form(
    'convert_archive_partitioned',
    {
      table_name: 'text',
      partition_interval: 'text',
      retention_interval: 'text',
      leading_partition: 'integer',
    },
    ['void'],
  ),
  form('drop_queue', q, ['boolean']),
  form('drop_queue', { ...q, partitioned: 'boolean' }, ['boolean']),
  form('detach_archive', q, ['void']),
  form('list_queues', {}, QUEUE),
  form('metrics', q, METRICS),
  form('metrics_all', {}, METRICS),
  form('format_table_name', { ...q, prefix: 'text' }, ['text']),
  form('validate_queue_name', q, ['void']),
  form('acquire_queue_lock', q, ['bigint']),
];

/** `select * from pgmq.fn(name => $1::type, …)`: resolves only if the names and types match. */
function callText({ fn, args }: Form): string {
  const named = Object.entries(args).map(([name, type], i) => `${name} => $${i + 1}::${type}`);
  return `select * from pgmq.${fn}(${named.join(', ')})`;
}

const label = ({ fn, args }: Form) =>
  `${fn}(${Object.entries(args)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ')})`;

describe('PGMQ 1.5 call forms', () => {
  test.each(FORMS.map((f) => [label(f), f] as const))('%s', async (_label, f) => {
    const client = await db.pool.connect();
    try {
      await client.query(`prepare pgmq_form as ${callText(f)}`);
      const { rows } = await client.query<{ types: string[] }>(
        `select result_types::text[] as types from pg_prepared_statements where name = 'pgmq_form'`,
      );
      expect(rows[0]?.types).toEqual(f.returns);
    } finally {
      await client.query('deallocate all').catch(() => undefined);
      client.release();
    }
  });

  test('the record types have PGMQ 1.5 attribute names', async () => {
    const { rows } = await db.pool.query<{ type: string; attributes: string[] }>(
      `select t.typname as type, array_agg(a.attname::text order by a.attnum) as attributes
       from pg_type t join pg_attribute a on a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
       where t.typnamespace = 'pgmq'::regnamespace
         and t.typname in ('message_record', 'queue_record', 'metrics_result')
       group by t.typname order by t.typname`,
    );
    expect(rows).toEqual([
      {
        type: 'message_record',
        attributes: ['msg_id', 'read_ct', 'enqueued_at', 'vt', 'message', 'headers'],
      },
      {
        type: 'metrics_result',
        attributes: [
          'queue_name',
          'queue_length',
          'newest_msg_age_sec',
          'oldest_msg_age_sec',
          'total_messages',
          'scrape_time',
          'queue_visible_length',
        ],
      },
      { type: 'queue_record', attributes: ['queue_name', 'is_partitioned', 'is_unlogged', 'created_at'] },
    ]);
  });
});
