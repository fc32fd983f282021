import { expect, test } from 'vitest';
import { summarizePlan } from './planSummary.ts';

// the shape PostgreSQL 18 returns for EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON), trimmed
const plan = [
  {
    Plan: {
      'Node Type': 'Hash Join',
      'Actual Total Time': 12.0,
      'Actual Rows': 10,
      'Actual Loops': 1,
      'Shared Hit Blocks': 90,
      'Shared Read Blocks': 10,
      Plans: [
        {
          'Node Type': 'Seq Scan',
          'Relation Name': 'tasks',
          Schema: 'tasker',
          'Actual Total Time': 8.0,
          'Actual Rows': 100,
          'Rows Removed by Filter': 49_900,
          'Actual Loops': 1,
        },
        {
          'Node Type': 'Hash',
          'Actual Total Time': 1.5,
          'Actual Rows': 10,
          'Actual Loops': 1,
          Plans: [
            {
              'Node Type': 'Index Scan',
              'Relation Name': 'workflow_steps',
              Schema: 'tasker',
              'Actual Total Time': 0.5,
              'Actual Rows': 5,
              'Actual Loops': 2,
            },
          ],
        },
      ],
    },
    'Planning Time': 0.25,
    'Execution Time': 12.5,
  },
];

test('times, self time per node type, seq scans, buffer hit ratio', () => {
  const summary = summarizePlan(plan);
  expect(summary.executionMs).toBe(12.5);
  expect(summary.planningMs).toBe(0.25);
  // self: Seq Scan 8; Hash Join 12 − 8 − 1.5 = 2.5; Hash 1.5 − 0.5·2 = 0.5; Index Scan 0.5·2 = 1
  expect(summary.topNodeTypes).toEqual([
    { nodeType: 'Seq Scan', selfMs: 8, count: 1 },
    { nodeType: 'Hash Join', selfMs: 2.5, count: 1 },
    { nodeType: 'Index Scan', selfMs: 1, count: 1 },
    { nodeType: 'Hash', selfMs: 0.5, count: 1 },
  ]);
  expect(summary.seqScans).toEqual([{ relation: 'tasker.tasks', rowsTouched: 50_000 }]);
  expect(summary.warnings).toEqual(['Seq Scan on tasker.tasks touched 50,000 rows (> 10,000)']);
  expect(summary.bufferHitRatio).toBe(0.9);
});

test('the large-table threshold is configurable; no buffers → no ratio', () => {
  const summary = summarizePlan(plan, { largeTableRows: 100_000 });
  expect(summary.warnings).toEqual([]);
  expect(summarizePlan({ Plan: { 'Node Type': 'Result' } }).bufferHitRatio).toBeUndefined();
});

test('something that is not EXPLAIN output is refused', () => {
  expect(() => summarizePlan([{ rows: 1 }])).toThrow('not the output of EXPLAIN');
});
