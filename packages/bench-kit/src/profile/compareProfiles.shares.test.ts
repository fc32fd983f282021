import { expect, test } from 'vitest';
import { aggregateSelfTime, compareSelfTime, formatProfileComparison } from './compareProfiles.ts';
import type { CpuProfile } from './summarizeProfile.ts';

const HEAD = 'file:///work/main/packages/worker/src/claim.ts?vitest=1796194796967';
// the same file in bench:ab's base worktree: one function, whatever the checkout
const BASE = 'file:///work/main/tmp/ab/base-0123456789ab-1/packages/worker/src/claim.ts';
const PG = 'file:///r/node_modules/.pnpm/pg-protocol@1.10.0/node_modules/pg-protocol/dist/parser.js';

/** A profile from (function, url, ms) triples: one node each, sampled 1 ms apart. */
function profile(frames: [string, string, number][]): CpuProfile {
  const nodes = frames.map(([functionName, url], i) => ({
    id: i + 2,
    callFrame: { functionName, url, lineNumber: 3 * i, columnNumber: 0 },
  }));
  const samples = frames.flatMap(([, , ms], i) => Array<number>(ms).fill(i + 2));
  return {
    startTime: 0,
    endTime: samples.length * 1000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 } },
      ...nodes,
    ],
    samples: [...samples, 1],
    timeDeltas: [0, ...samples.map(() => 1000)],
  };
}

test('self time per function name and script, summed over the profiles of a side', () => {
  const side = aggregateSelfTime([
    profile([
      ['(idle)', '', 6],
      ['claimStep', HEAD, 3],
      ['parseDataRow', PG, 1],
    ]),
    profile([
      ['claimStep', HEAD, 2],
      ['(anonymous)', HEAD, 0],
      ['', HEAD, 4],
    ]),
  ]);
  expect(side.profiles).toBe(2);
  expect(side.totalMs).toBe(16);
  expect(side.idleMs).toBe(6);
  expect(side.functions.get(`claimStep packages/worker/src/claim.ts`)?.selfMs).toBe(5);
  expect(side.functions.get(`parseDataRow pg-protocol/dist/parser.js`)).toMatchObject({
    category: 'pg-driver',
    selfMs: 1,
  });
  // an unnamed function is (anonymous); a node with no samples adds nothing
  expect(side.functions.get(`(anonymous) packages/worker/src/claim.ts`)?.selfMs).toBe(4);
});

test('shares of total sampled time decide the change, not the run length', () => {
  // base: 20 ms sampled, claimStep 4 (20%), parse 2 (10%), idle 14
  const base = aggregateSelfTime([
    profile([
      ['(idle)', '', 14],
      ['claimStep', BASE, 4],
      ['parseDataRow', PG, 2],
    ]),
  ]);
  // head ran twice as long: claimStep 4 of 40 (10%), parse 4 (10%, unchanged), a new function 8 (20%)
  const head = aggregateSelfTime([
    profile([
      ['(idle)', '', 24],
      ['claimStep', HEAD, 4],
      ['parseDataRow', PG, 4],
      ['submitResult', HEAD, 8],
    ]),
  ]);
  const { changes, base: b, head: h } = compareSelfTime(base, head);
  expect(b).toEqual({ profiles: 1, totalMs: 20, idleShare: 0.7 });
  expect(h).toEqual({ profiles: 1, totalMs: 40, idleShare: 0.6 });
  expect(changes.map((c) => [c.name, c.shareDelta])).toEqual([
    ['submitResult', 0.2],
    ['claimStep', -0.1],
    ['parseDataRow', 0],
  ]);
  expect(changes[1]).toMatchObject({
    script: 'packages/worker/src/claim.ts',
    base: { selfMs: 4, share: 0.2 },
    head: { selfMs: 4, share: 0.1 },
  });
  expect(changes[0]?.base).toEqual({ selfMs: 0, share: 0 });
  expect(compareSelfTime(base, head, { top: 1 }).changes.map((c) => c.name)).toEqual(['submitResult']);
  // categories, idle included: tasker 20% → 30%, pg-driver 10% → 10%
  expect(compareSelfTime(base, head).categories.map((c) => [c.category, c.base.share, c.head.share])).toEqual(
    [
      ['idle', 0.7, 0.6],
      ['tasker', 0.2, 0.3],
      ['pg-driver', 0.1, 0.1],
    ],
  );
});

test('the markdown table gives both sides and the change', () => {
  const base = aggregateSelfTime([
    profile([
      ['claimStep', BASE, 4],
      ['(idle)', '', 4],
    ]),
  ]);
  const head = aggregateSelfTime([
    profile([
      ['claimStep', HEAD, 1],
      ['(idle)', '', 7],
    ]),
  ]);
  const lines = formatProfileComparison(compareSelfTime(base, head)).split('\n');
  expect(lines[0]).toBe(
    'base: 1 profile(s), 0.0 s sampled, 50.00% idle · head: 1 profile(s), 0.0 s sampled, 87.50% idle',
  );
  expect(lines[2]).toBe(
    'By category, share of sampled time base → head: idle 50.00% → 87.50% (+37.50 pp), tasker 50.00% → 12.50% (−37.50 pp).',
  );
  expect(lines.slice(-1)).toEqual([
    '| claimStep | packages/worker/src/claim.ts | tasker | 50.00% (4.0 ms) | 12.50% (1.0 ms) | −37.50 pp |',
  ]);
});
