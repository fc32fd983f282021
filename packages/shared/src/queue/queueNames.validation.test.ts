/** Queue, namespace and channel names: derivation and validation, mirrored by SQL's _queue_namespace. */
import { describe, expect, test } from 'vitest';
import { InvalidNamespaceError } from './messagingErrors.ts';
import { InvalidQueueNameError } from './pgmqErrors.ts';
import {
  MESSAGE_READY_CHANNEL,
  messageReadyChannel,
  messageReadyChannelForQueue,
  namespaceFromQueue,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  workerQueueName,
} from './queueNames.ts';

describe('queue names', () => {
  test('worker queues and their namespaces round-trip', () => {
    expect(workerQueueName('payments')).toBe('worker_payments_queue');
    expect(namespaceFromQueue('worker_payments_queue')).toBe('payments');
    expect(namespaceFromQueue(workerQueueName('a'.repeat(31)))).toBe('a'.repeat(31));
    expect(namespaceFromQueue('worker_two_parts_queue')).toBe('two_parts');
  });

  test('orchestration queues share the orchestration namespace; others use their own name', () => {
    expect(namespaceFromQueue(ORCHESTRATION_STEP_RESULTS_QUEUE)).toBe('orchestration');
    expect(namespaceFromQueue('orchestration')).toBe('orchestration');
    expect(namespaceFromQueue('plain')).toBe('plain');
    expect(namespaceFromQueue('worker__queue')).toBe('worker__queue');
  });

  test('channels', () => {
    expect(messageReadyChannel('payments')).toBe(`${MESSAGE_READY_CHANNEL}.payments`);
    expect(messageReadyChannelForQueue(ORCHESTRATION_STEP_RESULTS_QUEUE)).toBe(
      'pgmq_message_ready.orchestration',
    );
  });

  test.each(['', 'Payments', '1abc', '_x', 'a-b', 'a.b', 'a b', "a'b", 'a'.repeat(32)])(
    'namespace %j is refused',
    (ns) => {
      expect(() => workerQueueName(ns)).toThrow(InvalidNamespaceError);
      expect(() => messageReadyChannel(ns)).toThrow(InvalidNamespaceError);
    },
  );

  test.each(['', 'Upper', 'semi;colon', 'dot.ted', 'q'.repeat(48), 'n'.repeat(45)])(
    'queue %j is refused',
    (queue) => {
      expect(() => namespaceFromQueue(queue)).toThrow(InvalidQueueNameError);
    },
  );
});
