/** decodeOtlpTraces against hand-written OTLP/JSON bodies: what the receiver keeps of each span. */
import { describe, expect, test } from 'vitest';
import { decodeOtlpTraces, hrTime } from '../src/tracing/otlpJson.ts';

const body = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'tasker-worker' } },
          { key: 'process.pid', value: { intValue: '4242' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: '@tasker/worker' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: 'eee19b7ec3c1b173',
              name: 'handler.execute',
              startTimeUnixNano: '1796194567925000001',
              endTimeUnixNano: '1796194567926500000',
              attributes: [
                { key: 'tasker.correlation_id', value: { stringValue: 'c1' } },
                { key: 'tasker.attempt', value: { intValue: 1 } },
                { key: 'tasker.reclaimed', value: { boolValue: false } },
                { key: 'ratio', value: { doubleValue: 0.5 } },
                {
                  key: 'tags',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
                },
                {
                  key: 'nested',
                  value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } },
                },
                { key: 'empty' },
              ],
            },
            {
              traceId: 't',
              spanId: 's',
              parentSpanId: '',
              name: 'step.claim',
              startTimeUnixNano: '0',
              endTimeUnixNano: '5',
            },
          ],
        },
      ],
    },
  ],
};

describe('decodeOtlpTraces', () => {
  test('spans with their resource, scope, plain attribute values and HrTime times', () => {
    const [execute, claim] = decodeOtlpTraces(body);
    expect(execute).toEqual({
      name: 'handler.execute',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      scope: '@tasker/worker',
      resource: { 'service.name': 'tasker-worker', 'process.pid': 4242 },
      attributes: {
        'tasker.correlation_id': 'c1',
        'tasker.attempt': 1,
        'tasker.reclaimed': false,
        ratio: 0.5,
        tags: ['a', 'b'],
        nested: '{"k":"v"}',
      },
      startTime: [1796194567, 925000001],
      endTime: [1796194567, 926500000],
    });
    expect(claim?.parentSpanId).toBeUndefined(); // a root span's empty parent id
    expect(claim?.endTime).toEqual([0, 5]);
    // a time sent as a JSON number (int64 past 2^53) is exact only to a few hundred ns
    const [seconds, nanos] = hrTime(1796194567926500000, 'endTimeUnixNano');
    expect(seconds).toBe(1796194567);
    expect(Math.abs(nanos - 926500000)).toBeLessThan(1000);
  });

  test('an empty request has no spans; a malformed one is refused', () => {
    expect(decodeOtlpTraces({})).toEqual([]);
    expect(() => decodeOtlpTraces('spans')).toThrow(/not an object/);
    expect(() => decodeOtlpTraces({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] })).toThrow(
      /without name, traceId or spanId/,
    );
    expect(() => hrTime('12.5', 'startTimeUnixNano')).toThrow(/startTimeUnixNano 12.5/);
  });
});
