import { expect, test } from 'vitest';
import { type CpuProfile, categorize, summarizeProfile } from './summarizeProfile.ts';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9, columnNumber: 0 });

// root → idle (5 samples), pg parse (2), JSON.parse (1), tasker code (1); 1 ms apart
const profile: CpuProfile = {
  startTime: 0,
  endTime: 9000,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5] },
    { id: 2, callFrame: frame('(idle)', '') },
    {
      id: 3,
      callFrame: frame(
        'parseDataRow',
        'file:///r/node_modules/.pnpm/pg-protocol@1.10.0/node_modules/pg-protocol/dist/parser.js',
      ),
    },
    { id: 4, callFrame: frame('parse', '') },
    { id: 5, callFrame: frame('claimStep', 'file:///r/packages/worker/src/claim.ts') },
  ],
  samples: [2, 2, 3, 4, 2, 3, 5, 2, 2],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

test('self time per category from samples and time deltas', () => {
  const s = summarizeProfile(profile);
  expect(s.byCategory.idle).toBe(4); // 5 samples, but the last one has no next delta
  expect(s.byCategory['pg-driver']).toBe(2);
  expect(s.byCategory.serialization).toBe(1);
  expect(s.byCategory.tasker).toBe(1);
  expect(s.totalMs).toBe(8);
  expect(s.top[0]).toMatchObject({ name: '(idle)', selfMs: 4 });
  expect(s.top.find((f) => f.name === 'claimStep')?.location).toBe('packages/worker/src/claim.ts:10');
});

test('without samples, hit counts spread the profile duration', () => {
  const s = summarizeProfile({
    startTime: 0,
    endTime: 4000,
    nodes: [
      { id: 1, callFrame: frame('(idle)', ''), hitCount: 3 },
      {
        id: 2,
        callFrame: frame(
          'run',
          'file:///r/node_modules/.pnpm/tinybench@5.0.0/node_modules/tinybench/dist/index.js',
        ),
        hitCount: 1,
      },
    ],
  });
  expect(s.byCategory.idle).toBe(3);
  expect(s.byCategory.harness).toBe(1);
});

test('categories', () => {
  expect(
    categorize(frame('x', 'file:///r/node_modules/.pnpm/fastify@5.1.0/node_modules/fastify/lib/route.js')),
  ).toBe('http');
  expect(categorize(frame('(garbage collector)', ''))).toBe('gc');
  expect(categorize(frame('x', 'node:internal/timers'))).toBe('node-internal');
  expect(categorize(frame('x', 'file:///r/packages/bench-kit/src/fixtures/benchTest.ts'))).toBe('harness');
  // a package's test machinery (seeding, fixtures) is the harness's side too, its product code is not
  expect(categorize(frame('x', 'file:///r/packages/shared/src/testing/seedDataset.ts'))).toBe('harness');
  expect(categorize(frame('x', 'file:///r/packages/shared/bench/support/seededBenchTest.ts'))).toBe(
    'harness',
  );
  expect(categorize(frame('x', 'file:///r/packages/shared/src/tasks/nextReadyTasks.ts'))).toBe('tasker');
});
