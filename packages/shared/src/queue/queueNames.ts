/**
 * Queue and channel names of the tasker core, and their validation. Names built here are the only
 * ones that reach SQL as identifiers or channel names; nothing is interpolated unchecked.
 *
 * Queues:   worker_<namespace>_queue (one per namespace), orchestration_step_results.
 * Channels: pgmq_message_ready.<namespace>, pgmq_message_ready (every queue).
 * The SQL side (tasker._queue_namespace in 03_messaging.sql) derives namespaces the same way.
 */

import { InvalidNamespaceError } from '../errors.ts';
import { InvalidQueueNameError } from '../sqlErrors.ts';

/** A namespace: lower case letter first, then up to 30 lower case letters, digits or underscores. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_]{0,30}$/;

/** A queue name usable everywhere: 1 to 47 (PGMQ's limit) lower case letters, digits or underscores. */
export const QUEUE_NAME_PATTERN = /^[a-z0-9_]{1,47}$/;

/** PGMQ's limit on queue names. */
export const MAX_QUEUE_NAME_LENGTH = 47;

/** The longest namespace whose channel `pgmq_message_ready.<namespace>` fits PostgreSQL's 63 bytes. */
export const MAX_CHANNEL_NAMESPACE_LENGTH = 44;

/** The queue workers send step results to. */
export const ORCHESTRATION_STEP_RESULTS_QUEUE = 'orchestration_step_results';

/** The namespace of every `orchestration*` queue. */
export const ORCHESTRATION_NAMESPACE = 'orchestration';

/** The global channel: every notifying send signals here as well as on its namespace channel. */
export const MESSAGE_READY_CHANNEL = 'pgmq_message_ready';

const WORKER_PREFIX = 'worker_';
const WORKER_SUFFIX = '_queue';

const NAME_CHARACTER = /[a-z0-9_]/;

/**
 * What is wrong with a name that failed its pattern, without repeating the name (it may be very long,
 * or hostile): empty, too long, or the first character that is not allowed (JSON-escaped).
 */
function nameProblem(name: string, maxLength: number, letterFirst: boolean): string {
  const characters = [...name];
  if (characters.length === 0) return 'it is empty';
  if (characters.length > maxLength)
    return `it is ${characters.length} characters long, the maximum is ${maxLength}`;
  if (letterFirst && !/^[a-z]$/.test(characters[0] ?? '')) {
    return `it starts with ${JSON.stringify(characters[0])}, not a lower case letter`;
  }
  const at = characters.findIndex((character) => !NAME_CHARACTER.test(character));
  return `character ${at + 1} is ${JSON.stringify(characters[at])}`;
}

/** Throws InvalidNamespaceError unless `namespace` matches NAMESPACE_PATTERN; returns it. */
export function assertNamespace(namespace: string): string {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new InvalidNamespaceError(
      `invalid namespace: ${nameProblem(namespace, 31, true)}; use a lower case letter, then up to 30 lower case letters, digits or underscores`,
    );
  }
  return namespace;
}

/** Throws InvalidQueueNameError unless `queue` matches QUEUE_NAME_PATTERN; returns it. */
export function assertQueueName(queue: string): string {
  if (!QUEUE_NAME_PATTERN.test(queue)) {
    throw new InvalidQueueNameError(
      `invalid queue name: ${nameProblem(queue, MAX_QUEUE_NAME_LENGTH, false)}; use 1 to ${MAX_QUEUE_NAME_LENGTH} lower case letters, digits or underscores`,
    );
  }
  return queue;
}

/** `worker_<namespace>_queue`, after checking the namespace. */
export function workerQueueName(namespace: string): string {
  return `${WORKER_PREFIX}${assertNamespace(namespace)}${WORKER_SUFFIX}`;
}

/**
 * The namespace a queue's notifications go to: `worker_<ns>_queue` → `<ns>`, `orchestration*` →
 * `orchestration`, anything else → the queue name itself. Throws InvalidQueueNameError for a bad name.
 */
export function namespaceFromQueue(queue: string): string {
  assertQueueName(queue);
  const isWorkerQueue =
    queue.length > WORKER_PREFIX.length + WORKER_SUFFIX.length &&
    queue.startsWith(WORKER_PREFIX) &&
    queue.endsWith(WORKER_SUFFIX);
  if (isWorkerQueue) return queue.slice(WORKER_PREFIX.length, -WORKER_SUFFIX.length);
  if (queue.startsWith(ORCHESTRATION_NAMESPACE)) return ORCHESTRATION_NAMESPACE;
  if (queue.length > MAX_CHANNEL_NAMESPACE_LENGTH) {
    throw new InvalidQueueNameError(
      `queue name ${JSON.stringify(queue)} is too long for a notifying send: its namespace is the whole name, at most ${MAX_CHANNEL_NAMESPACE_LENGTH} characters (or name it worker_<ns>_queue)`,
    );
  }
  return queue;
}

/** `pgmq_message_ready.<namespace>`, the channel a namespace's notifying sends signal on. */
export function messageReadyChannel(namespace: string): string {
  return `${MESSAGE_READY_CHANNEL}.${assertNamespace(namespace)}`;
}

/** The namespace channel a queue's notifying sends signal on. */
export function messageReadyChannelForQueue(queue: string): string {
  return `${MESSAGE_READY_CHANNEL}.${namespaceFromQueue(queue)}`;
}
