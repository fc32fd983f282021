/** Queue, namespace and channel names: derivation and validation, mirrored by SQL's _queue_namespace. */
import { describe, expect, test } from 'vitest';
import { InvalidNamespaceError } from '../errors.ts';
import { InvalidQueueNameError } from '../sqlErrors.ts';
import {
  assertQueueName,
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

  test.each([
    ['', 'invalid queue name: it is empty;'],
    ['Upper', 'invalid queue name: character 1 is "U";'],
    ['semi;colon', 'invalid queue name: character 5 is ";";'],
    ['q'.repeat(48), 'invalid queue name: it is 48 characters long, the maximum is 47;'],
  ])('the error for queue %j says what is wrong', (queue, problem) => {
    expect(() => assertQueueName(queue)).toThrow(problem);
  });

  test('a very long or hostile name is not echoed back', () => {
    const hostile = `${'"; drop table tasker.tasks; --\n'.repeat(500)}`;
    for (const check of [() => assertQueueName(hostile), () => workerQueueName(hostile)]) {
      const error = (() => {
        try {
          check();
        } catch (e) {
          return e as Error;
        }
        throw new Error('expected the name to be refused');
      })();
      expect(error.message).not.toContain('drop table');
      expect(error.message.length).toBeLessThan(200);
    }
    expect(() => workerQueueName("pay'ments")).toThrow('invalid namespace: character 4 is "\'";');
    expect(() => workerQueueName('1abc')).toThrow(
      'invalid namespace: it starts with "1", not a lower case letter;',
    );
  });
});
