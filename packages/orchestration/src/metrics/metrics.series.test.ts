import { expect, test } from 'vitest';
import { Counter, Histogram } from './metrics.ts';

test('a label set is one series whatever order its labels are given in', () => {
  const counter = new Counter('c_total', 'help');
  counter.inc({ method: 'POST', route: '/v1/tasks', status: '201' });
  counter.inc({ status: '201', route: '/v1/tasks', method: 'POST' }, 2);
  expect(counter.get({ route: '/v1/tasks', method: 'POST', status: '201' })).toBe(3);
  expect(counter.render().split('\n')).toHaveLength(3);
});

test('label sets that differ in a name or a value are separate series, also when text would run together', () => {
  const counter = new Counter('c_total', 'help');
  counter.inc({});
  counter.inc({ a: 'b,c' });
  counter.inc({ a: 'b', c: '' });
  counter.inc({ 'a:"b"': '' });
  counter.inc({ a: '' });
  expect([counter.get({}), counter.get({ a: 'b,c' }), counter.get({ a: 'b', c: '' })]).toEqual([1, 1, 1]);
  expect(counter.get({ a: '' })).toBe(1);
  expect(counter.render().split('\n')).toHaveLength(2 + 5);
});

test('a histogram keeps one series per label set, in any order', () => {
  const histogram = new Histogram('h_seconds', 'help', [0.1, 1]);
  histogram.observe(0.05, { route: 'x', method: 'GET' });
  histogram.observe(0.5, { method: 'GET', route: 'x' });
  histogram.observe(0.5);
  const lines = histogram.render().split('\n');
  expect(lines).toContain('h_seconds_count{route="x",method="GET"} 2');
  expect(lines).toContain('h_seconds_bucket{route="x",method="GET",le="0.1"} 1');
  expect(lines).toContain('h_seconds_count 1');
});
