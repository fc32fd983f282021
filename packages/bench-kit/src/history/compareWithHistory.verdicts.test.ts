import { expect, test } from 'vitest';
import type { Better, FigureKind } from '../baseline/runFigures.ts';
import { targetRegistry } from '../targets/registry.ts';
import { compareWithHistory, predictionInterval } from './compareWithHistory.ts';
import { formatHistoryTable } from './formatHistoryTable.ts';
import type { HistoryLine } from './historyFile.ts';

const machine: HistoryLine['environment'] = {
  provider: 'embedded',
  postgres: '18.1',
  pgmq: 'compatible',
  node: 'v26.10.0',
  os: 'linux',
  cpu: 'Fixture CPU',
  cpuCount: 2,
  profile: 'quick',
};

/** A history line of run `run` (day `run` of January) for one figure. */
function line(
  run: number,
  name: string,
  kind: FigureKind,
  unit: string,
  better: Better | null,
  value: number,
  environment = machine,
): HistoryLine {
  return {
    timestamp: `2026-01-${String(run).padStart(2, '0')}T12:00:00.000Z`,
    commit: `c${run}`,
    suite: name.slice(0, name.indexOf('/')),
    name: name.slice(name.indexOf('/') + 1),
    kind,
    unit,
    better,
    value,
    median: kind === 'latency' ? value : null,
    p95: null,
    p99: null,
    samples: 0,
    environment,
  };
}

/** Five earlier runs of each figure, with a little run-to-run spread, then run 6. */
const EARLIER: Array<[string, FigureKind, string, Better | null, number[]]> = [
  ['throughput/linear steps (2 workers)', 'throughput', 'steps/s', 'higher', [1510, 1480, 1530, 1495, 1505]],
  ['memory/heap growth after GC', 'growth', 'x', 'lower', [1.02, 1.04, 1.01, 1.03, 1.02]],
  [
    'peers/ratio tasker/graphile-worker: chain of 4 p50',
    'value',
    'x',
    'lower',
    [1.2, 1.25, 1.18, 1.22, 1.21],
  ],
  ['task_initialization/mathematical_sequence', 'latency', 'ms', 'lower', [2.1, 2.2, 2.0, 2.15, 2.1]],
];
const history = EARLIER.flatMap(([name, kind, unit, better, values]) =>
  values.map((v, i) => line(i + 1, name, kind, unit, better, v)),
);

function judge(current: Record<string, number>) {
  const lines = EARLIER.map(([name, kind, unit, better]) =>
    line(6, name, kind, unit, better, current[name] as number),
  );
  return compareWithHistory([...history, ...lines], lines, targetRegistry);
}

test('throughput halved, heap growth and a peer ratio up: regressed; latency unchanged', () => {
  const rows = judge({
    'throughput/linear steps (2 workers)': 750,
    'memory/heap growth after GC': 1.5,
    'peers/ratio tasker/graphile-worker: chain of 4 p50': 2.4,
    'task_initialization/mathematical_sequence': 2.12,
  });
  expect(rows.map((r) => [r.key, r.test, r.verdict])).toEqual([
    ['throughput/linear steps (2 workers)', 'prediction-interval', 'regressed'],
    ['memory/heap growth after GC', 'prediction-interval', 'regressed'],
    ['peers/ratio tasker/graphile-worker: chain of 4 p50', 'prediction-interval', 'regressed'],
    ['task_initialization/mathematical_sequence', 'prediction-interval', 'unchanged'],
  ]);
  expect(rows[0]?.earlier).toEqual([1510, 1480, 1530, 1495, 1505]);
  expect(rows[0]?.change).toBeCloseTo(750 / 1504 - 1, 10);
  const table = formatHistoryTable(rows);
  expect(table).toContain(
    '| throughput/linear steps (2 workers) | throughput, higher is better | 1,504 steps/s (5 runs) | 750 steps/s | -50.1% |',
  );
  expect(table).toContain('- `prediction-interval`: one value per run: outside the 95% prediction interval');
});

test('the same figures doubled in their better direction: improved', () => {
  const rows = judge({
    'throughput/linear steps (2 workers)': 3000,
    'memory/heap growth after GC': 0.7,
    'peers/ratio tasker/graphile-worker: chain of 4 p50': 0.6,
    'task_initialization/mathematical_sequence': 1.0,
  });
  expect(rows.map((r) => r.verdict)).toEqual(['improved', 'improved', 'improved', 'improved']);
});

test('beyond the threshold but inside the spread of earlier runs: inconclusive', () => {
  const wild = [100, 180, 60, 150, 90].map((v, i) =>
    line(i + 1, 'pgmq/send (single)', 'throughput', 'msgs/s', 'higher', v),
  );
  const now = line(6, 'pgmq/send (single)', 'throughput', 'msgs/s', 'higher', 70);
  const [row] = compareWithHistory([...wild, now], [now], targetRegistry);
  expect(row?.change).toBeLessThan(-0.25);
  expect(row?.verdict).toBe('inconclusive');
});

test('only the same machine, profile and unit count; one earlier run: relative change; none: new', () => {
  const other = { ...machine, cpu: 'Another CPU' };
  const name = 'pgmq/queue table';
  const lines = [
    line(1, name, 'bytes', 'bytes', 'lower', 1_000, other),
    line(2, name, 'bytes', 'bytes', 'lower', 1_000, { ...machine, profile: 'full' }),
    line(3, name, 'bytes', 'bytes', 'lower', 1_000),
  ];
  const now = line(4, name, 'bytes', 'bytes', 'lower', 2_000);
  const [row] = compareWithHistory([...lines, now], [now], targetRegistry);
  expect(row).toMatchObject({ earlier: [1_000], test: 'relative-change', change: 1, verdict: 'regressed' });
  const [fresh] = compareWithHistory([now], [now], targetRegistry);
  expect(fresh?.verdict).toBeUndefined();
  expect(formatHistoryTable([fresh as NonNullable<typeof fresh>])).toContain(
    'New to the history: pgmq/queue table',
  );
});

test('prediction interval: mean ± t(n−1)·sd·√(1 + 1/n)', () => {
  // 1, 2, 3: mean 2, sd 1, t(2) = 4.303, √(4/3) = 1.1547
  const { low, high } = predictionInterval([1, 2, 3]);
  expect(low).toBeCloseTo(2 - 4.303 * 1.154701, 4);
  expect(high).toBeCloseTo(2 + 4.303 * 1.154701, 4);
});
