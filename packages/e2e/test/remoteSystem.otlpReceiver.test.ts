/** TASKER_TEST_OTLP_RECEIVER: where a remote run listens for its deployment's spans. */
import { expect, test } from 'vitest';
import { remoteTargetFromEnv } from '../src/index.ts';

const target = (receiver?: string) =>
  remoteTargetFromEnv({
    TASKER_TEST_ORCHESTRATION_URL: 'http://tasker:8080',
    ...(receiver === undefined ? {} : { TASKER_TEST_OTLP_RECEIVER: receiver }),
  });

test('host and port, IPv6 in brackets; unset or blank is no receiver', () => {
  expect(target('0.0.0.0:4318')?.otlpReceiver).toEqual({ host: '0.0.0.0', port: 4318 });
  expect(target('[::]:14318')?.otlpReceiver).toEqual({ host: '::', port: 14318 });
  expect(target()?.otlpReceiver).toBeUndefined();
  expect(target(' ')?.otlpReceiver).toBeUndefined();
});

test.each(['4318', 'localhost', 'localhost:0', 'localhost:70000', ':4318'])(
  '%j is refused naming the variable',
  (value) => {
    expect(() => target(value)).toThrow(`TASKER_TEST_OTLP_RECEIVER=${value} is not <host>:<port>`);
  },
);
