/** taskPhases against a hand-built trace of a two-step linear task (times in ms). */
import { CORRELATION_ID_ATTRIBUTE } from '@tasker/shared';
import { describe, expect, test } from 'vitest';
import { groupByCorrelation, meanPhases, type SpanTimes, taskPhases } from '../src/index.ts';

const hr = (msValue: number): [number, number] => [Math.floor(msValue / 1000), (msValue % 1000) * 1e6];
const span = (name: string, start: number, end: number, correlation = 'c1'): SpanTimes => ({
  name,
  attributes: { [CORRELATION_ID_ATTRIBUTE]: correlation },
  startTime: hr(start),
  endTime: hr(end),
});

// create 0–4 (enqueue 2–4) | claim 5–6, handler 6–6.5, submit 6.5–7.5 | process 8–10 (enqueue 9–10)
// | claim 11–12, handler 12–12.5, submit 12.5–13.5 | process 14–15 (finalize at 15)
const trace = [
  span('task.create', 1000, 1004),
  span('steps.enqueue', 1002, 1004),
  span('step.claim', 1005, 1006),
  span('handler.execute', 1006, 1006.5),
  span('result.submit', 1006.5, 1007.5),
  span('result.process', 1008, 1010),
  span('steps.enqueue', 1009, 1010),
  span('step.claim', 1011, 1012),
  span('handler.execute', 1012, 1012.5),
  span('result.submit', 1012.5, 1013.5),
  span('result.process', 1014, 1015),
  span('task.finalize', 1015, 1015),
  span('task.create', 2000, 2001, 'other'),
];

describe('taskPhases', () => {
  test('splits a linear task into its phases', () => {
    const phases = taskPhases(groupByCorrelation(trace).get('c1') ?? []);
    expect(phases['api create']).toBeCloseTo(2);
    expect(phases.enqueue).toBeCloseTo(3);
    expect(phases['queue wait']).toBeCloseTo(2); // 4 → 5 and 10 → 11
    expect(phases.claim).toBeCloseTo(2);
    expect(phases.handler).toBeCloseTo(1);
    expect(phases.submit).toBeCloseTo(2);
    expect(phases['result queue wait']).toBeCloseTo(1); // 7.5 → 8 and 13.5 → 14
    expect(phases['result processing']).toBeCloseTo(1); // 2 minus its 1 ms enqueue
    expect(phases.finalization).toBeCloseTo(1);
    const sum = Object.values(phases).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(15); // the whole 0–15 window, nothing counted twice
  });

  test('inline hand-off: the submit that enqueued the next step starts its queue wait', () => {
    // create 0–4 (enqueue 2–4) | claim 5–6, handler 6–6.5, inline submit 6.5–8 | claim 9–10, …
    const inline = (start: number, end: number): SpanTimes => ({
      ...span('result.submit', start, end),
      attributes: { [CORRELATION_ID_ATTRIBUTE]: 'c1', 'tasker.result_handoff': 'inline' },
    });
    const phases = taskPhases([
      span('task.create', 1000, 1004),
      span('steps.enqueue', 1002, 1004),
      span('step.claim', 1005, 1006),
      span('handler.execute', 1006, 1006.5),
      inline(1006.5, 1008),
      span('step.claim', 1009, 1010),
      span('handler.execute', 1010, 1010.5),
      inline(1010.5, 1012),
    ]);
    expect(phases['queue wait']).toBeCloseTo(2); // 4 → 5 and 8 → 9, not 4 → 9
    expect(phases.submit).toBeCloseTo(3);
    expect(phases['result processing']).toBe(0);
    const sum = Object.values(phases).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(12);
  });

  test('groups by correlation id and averages over tasks', () => {
    const groups = groupByCorrelation(trace);
    expect([...groups.keys()]).toEqual(['c1', 'other']);
    const a = taskPhases(groups.get('c1') ?? []);
    const b = taskPhases(groups.get('other') ?? []);
    expect(meanPhases([a, b])['api create']).toBeCloseTo((2 + 1) / 2);
    expect(meanPhases([]).handler).toBe(0);
  });
});
