/** ServiceUnavailableError: the one error for a service that cannot serve names it, where, why and what to do. */
import { expect, test } from 'vitest';
import { ServiceUnavailableError, TaskerError } from './errors.ts';

test('names the service, its address, the problem and the hint; keeps the cause', () => {
  const cause = new Error('ECONNREFUSED');
  const error = new ServiceUnavailableError('orchestration', 'not answering its health check', {
    url: 'http://127.0.0.1:8080',
    hint: 'start it',
    cause,
  });
  expect(error).toBeInstanceOf(TaskerError);
  expect(error).toMatchObject({
    name: 'ServiceUnavailableError',
    code: 'TASKER_SERVICE_UNAVAILABLE',
    service: 'orchestration',
    url: 'http://127.0.0.1:8080',
    cause,
    message:
      'orchestration at http://127.0.0.1:8080 is unavailable: not answering its health check → start it',
  });
  expect(new ServiceUnavailableError('worker', 'shutting down').message).toBe(
    'worker is unavailable: shutting down',
  );
});
