/**
 * Typed wrappers over PGMQ and tasker's notifying sends (03_messaging.sql of the baseline migration). Queue
 * names are checked in TypeScript before any query; database errors come back typed
 * (InvalidQueueNameError, UnknownQueueError, see toTaskerError). msg_ids are strings, as pg
 * returns bigints. The hot calls use named prepared statements: parsed once per connection.
 */
import { type Queryable, queryRows } from '../db/queryable.ts';
import { assertQueueName, namespaceFromQueue } from './queueNames.ts';

/** A PGMQ message id (a bigint, as pg returns it). */
export type MsgId = string;

/** What orchestration sends to `worker_<ns>_queue`: a step is ready to be claimed. */
export type StepMessage = {
  task_uuid: string;
  step_uuid: string;
  correlation_id: string;
};

/** The step state a worker reports with a result; the results themselves are on the step row. */
export type StepResultStatus = 'enqueued_for_orchestration' | 'enqueued_as_error_for_orchestration';

/** What workers send to `orchestration_step_results`: a step finished (or failed) and awaits processing. */
export type StepResultMessage = StepMessage & { status: StepResultStatus };

/** A message as PGMQ returns it from read / read_with_poll. */
export type QueueMessage<T = unknown> = {
  msg_id: MsgId;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: T;
  headers: unknown;
};

export type SendOptions = {
  /** seconds before the message becomes visible (default 0) */
  delaySeconds?: number;
};

export type ReadOptions = {
  /** seconds a read message stays hidden from other readers */
  visibilityTimeoutSeconds: number;
  /** the most messages to claim (default 1) */
  qty?: number;
};

export type ReadWithPollOptions = ReadOptions & {
  /** how long to wait for a message before returning none (default 5) */
  maxPollSeconds?: number;
  /** how often to look again meanwhile (default 100) */
  pollIntervalMs?: number;
};

const MESSAGE_COLUMNS = 'msg_id, read_ct, enqueued_at, vt, message, headers';

function seconds(value: number | undefined, what: string, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * Sends one message and notifies `pgmq_message_ready.<namespace>` and `pgmq_message_ready`
 * (listeners hear it when the caller's transaction commits). Returns its msg_id.
 */
export async function sendWithNotify(
  client: Queryable,
  queue: string,
  message: object,
  options: SendOptions = {},
): Promise<MsgId> {
  namespaceFromQueue(queue);
  const rows = await queryRows<{ id: MsgId }>(client, {
    name: 'tasker_send_with_notify',
    text: 'select tasker.pgmq_send_with_notify($1, $2::jsonb, $3::integer) as id',
    values: [queue, JSON.stringify(message), seconds(options.delaySeconds, 'delaySeconds', 0)],
  });
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('tasker.pgmq_send_with_notify returned no msg_id');
  return id;
}

/**
 * Sends messages in one statement and notifies both channels once per 256 ids. Returns their
 * msg_ids in the order of `messages`; an empty list sends nothing.
 */
export async function sendBatchWithNotify(
  client: Queryable,
  queue: string,
  messages: readonly object[],
  options: SendOptions = {},
): Promise<MsgId[]> {
  namespaceFromQueue(queue);
  if (messages.length === 0) return [];
  const rows = await queryRows<{ id: MsgId }>(client, {
    name: 'tasker_send_batch_with_notify',
    text: 'select id from tasker.pgmq_send_batch_with_notify($1, $2::jsonb[], $3::integer) as id',
    values: [queue, messages.map((m) => JSON.stringify(m)), seconds(options.delaySeconds, 'delaySeconds', 0)],
  });
  return rows.map((row) => row.id);
}

/** Claims up to `qty` visible messages, hiding them for the visibility timeout. */
export async function readMessages<T = unknown>(
  client: Queryable,
  queue: string,
  options: ReadOptions,
): Promise<QueueMessage<T>[]> {
  return queryRows<QueueMessage<T>>(client, {
    name: 'tasker_pgmq_read',
    text: `select ${MESSAGE_COLUMNS} from pgmq.read($1, $2::integer, $3::integer)`,
    values: [
      assertQueueName(queue),
      seconds(options.visibilityTimeoutSeconds, 'visibilityTimeoutSeconds', 0),
      seconds(options.qty, 'qty', 1),
    ],
  });
}

/**
 * Like readMessages, but when nothing is visible waits (inside PostgreSQL, holding the connection)
 * until a message arrives or `maxPollSeconds` pass. Prefer a listener plus readMessages on hot paths.
 */
export async function readWithPoll<T = unknown>(
  client: Queryable,
  queue: string,
  options: ReadWithPollOptions,
): Promise<QueueMessage<T>[]> {
  return queryRows<QueueMessage<T>>(client, {
    text: `select ${MESSAGE_COLUMNS} from pgmq.read_with_poll($1, $2::integer, $3::integer, $4::integer, $5::integer)`,
    values: [
      assertQueueName(queue),
      seconds(options.visibilityTimeoutSeconds, 'visibilityTimeoutSeconds', 0),
      seconds(options.qty, 'qty', 1),
      seconds(options.maxPollSeconds, 'maxPollSeconds', 5),
      seconds(options.pollIntervalMs, 'pollIntervalMs', 100),
    ],
  });
}

/** Moves messages to the queue's archive; returns the msg_ids archived (unknown ids are skipped). */
export async function archiveMessages(
  client: Queryable,
  queue: string,
  msgIds: readonly (MsgId | bigint | number)[],
): Promise<MsgId[]> {
  if (msgIds.length === 0) return [];
  const rows = await queryRows<{ id: MsgId }>(client, {
    name: 'tasker_pgmq_archive',
    text: 'select id from pgmq.archive($1, $2::bigint[]) as id',
    values: [assertQueueName(queue), msgIds.map(String)],
  });
  return rows.map((row) => row.id);
}

/** Deletes messages; returns the msg_ids deleted (unknown ids are skipped). */
export async function deleteMessages(
  client: Queryable,
  queue: string,
  msgIds: readonly (MsgId | bigint | number)[],
): Promise<MsgId[]> {
  if (msgIds.length === 0) return [];
  const rows = await queryRows<{ id: MsgId }>(client, {
    name: 'tasker_pgmq_delete',
    text: 'select id from pgmq.delete($1, $2::bigint[]) as id',
    values: [assertQueueName(queue), msgIds.map(String)],
  });
  return rows.map((row) => row.id);
}

/**
 * Creates the queue if it does not exist (idempotent; messages are kept). `unlogged` queues are
 * faster and lost on a crash — for benches and throwaway work.
 */
export async function ensureQueue(
  client: Queryable,
  queue: string,
  options: { unlogged?: boolean } = {},
): Promise<void> {
  const create = options.unlogged ? 'pgmq.create_unlogged' : 'pgmq.create';
  await queryRows(client, { text: `select ${create}($1)`, values: [assertQueueName(queue)] });
}

/**
 * tasker.ensure_queues (03_messaging.sql): creates the tasker queues among `queues` —
 * worker_<namespace>_queue, orchestration_step_results — that do not exist yet, in one statement.
 * It runs as the schema's owner, so a service logged in through tasker_worker or
 * tasker_orchestration (12_access.sql), which may not create tables, can still make sure the queues
 * it reads exist; what the services call at start. ensureQueue above creates any queue, logged or
 * not, with the caller's own rights (tests, benches, tools). Raises TKM02 for another name.
 */
export async function ensureTaskerQueues(client: Queryable, queues: readonly string[]): Promise<void> {
  if (queues.length === 0) return;
  await queryRows(client, {
    name: 'tasker_ensure_queues',
    text: 'select tasker.ensure_queues($1::text[])',
    values: [queues.map(assertQueueName)],
  });
}
