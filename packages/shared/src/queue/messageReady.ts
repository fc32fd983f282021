/**
 * The notifications that tasker.pgmq_send_with_notify / pgmq_send_batch_with_notify send on
 * `pgmq_message_ready.<namespace>` and `pgmq_message_ready`, and their parser.
 */

/** Whole payloads at or above this many bytes go out signal-only (NOTIFY's limit is 8000). */
export const NOTIFY_INLINE_LIMIT_BYTES = 7000;

/** One message sent. `message` is inline, or null with `signal_only` when the payload would be too large. */
export type MessageReadySingle = {
  queue: string;
  namespace: string;
  msg_id: string;
  message: unknown;
  signal_only: boolean;
};

/** A batch sent (up to 256 ids per notification). `messages` is null when `signal_only`. */
export type MessageReadyBatch = {
  queue: string;
  namespace: string;
  msg_ids: string[];
  messages: unknown[] | null;
  signal_only: boolean;
};

export type MessageReadyNotification = MessageReadySingle | MessageReadyBatch;

/** Distinguishes a batch notification from a single-message one. */
export function isBatchNotification(n: MessageReadyNotification): n is MessageReadyBatch {
  return 'msg_ids' in n;
}

/** The msg_ids a notification announces, as strings (bigint-safe). */
export function notifiedMsgIds(n: MessageReadyNotification): string[] {
  return isBatchNotification(n) ? n.msg_ids : [n.msg_id];
}

/**
 * Parses a message-ready payload. msg_ids become strings (they are bigints in SQL, and JSON numbers
 * above 2^53 would lose precision, so they are read from the raw text). Returns null for anything
 * that is not a message-ready payload.
 */
export function parseMessageReady(payload: string): MessageReadyNotification | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.queue !== 'string' || typeof v.namespace !== 'string' || typeof v.signal_only !== 'boolean')
    return null;
  const ids = rawIds(payload);
  if ('msg_ids' in v && Array.isArray(v.msg_ids)) {
    return {
      queue: v.queue,
      namespace: v.namespace,
      msg_ids: ids ?? v.msg_ids.map(String),
      messages: Array.isArray(v.messages) ? v.messages : null,
      signal_only: v.signal_only,
    };
  }
  if ('msg_id' in v && (typeof v.msg_id === 'number' || typeof v.msg_id === 'string')) {
    return {
      queue: v.queue,
      namespace: v.namespace,
      msg_id: ids?.[0] ?? String(v.msg_id),
      message: v.message ?? null,
      signal_only: v.signal_only,
    };
  }
  return null;
}

/** The ids as written in the payload (the SQL writes them right after the namespace, before any message). */
const IDS = /^\{"queue":"[a-z0-9_]+","namespace":"[a-z0-9_]+","msg_ids?":\[?([0-9,]+)\]?/;

function rawIds(payload: string): string[] | null {
  const match = IDS.exec(payload);
  return match?.[1] ? match[1].split(',') : null;
}
