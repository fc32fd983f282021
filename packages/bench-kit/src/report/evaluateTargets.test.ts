import { describe, expect, test } from 'vitest';
import { summarizeSamples } from '../stats/summarizeSamples.ts';
import type { TargetRegistry } from '../targets/target.ts';
import { evaluateTargets } from './evaluateTargets.ts';
import type { SuiteResult } from './suiteResult.ts';

const registry: TargetRegistry = {
  's/fast': { targets: [{ metric: 'mean', threshold: 2, reference: 'r1' }] },
  's/slow': { targets: [{ metric: 'p50', threshold: 1, reference: 'r2' }] },
  's/few': { targets: [{ metric: 'p99', threshold: 10, reference: 'r3' }] },
  's/sends': { targets: [{ metric: 'throughput-min', threshold: 1_000, reference: 'r4' }] },
  's/growth': { targets: [{ metric: 'value-max', threshold: 1.5, reference: 'r5' }] },
};
const bench = (name: string, samples: number[]) => ({
  name,
  test: 't',
  summary: summarizeSamples(samples),
  opsPerSecond: 1,
  fromStore: false,
});
const suite: SuiteResult = {
  suite: 's',
  file: 's.bench.ts',
  project: 'p (bench)',
  benches: [
    bench('fast', [1, 1, 2]),
    bench('slow', [2, 2, 2]),
    bench('few', [1, 2, 3]),
    bench('untargeted', [4, 4]),
  ],
  records: [
    { name: 'sends', test: 't', measurement: { kind: 'throughput', perSecond: 800, unit: 'msgs' } },
    { name: 'growth', test: 't', measurement: { kind: 'growth', ratio: 1.2, from: '5K', to: '100K' } },
  ],
  failures: [],
};
const rows = evaluateTargets(suite, registry);
const row = (name: string) => rows.find((r) => r.name === name);

describe('evaluateTargets', () => {
  test('within target: ratio value / threshold', () => {
    // mean of 1, 1, 2 = 4/3; 4/3 / 2 = 0.667
    expect(row('fast')).toMatchObject({ status: 'within', metric: 'mean', reference: 'r1' });
    expect(row('fast')?.ratio).toBeCloseTo(2 / 3, 10);
  });

  test('over target', () => {
    expect(row('slow')).toMatchObject({ status: 'over', value: 2, ratio: 2 });
  });

  test('a withheld percentile gives no verdict, with the reason', () => {
    expect(row('few')).toMatchObject({ status: 'withheld', reason: 'p99 needs ≥ 100 samples (have 3)' });
  });

  test('not in the registry: no target, headline mean', () => {
    expect(row('untargeted')).toMatchObject({ status: 'no-target', metric: 'mean', value: 4 });
  });

  test('throughput-min: ratio threshold / value, above 1 is over', () => {
    expect(row('sends')).toMatchObject({ status: 'over', value: 800, ratio: 1.25, unit: 'msgs/s' });
  });

  test('value-max on a growth ratio', () => {
    expect(row('growth')).toMatchObject({ status: 'within', value: 1.2 });
    expect(row('growth')?.ratio).toBeCloseTo(0.8, 10);
  });
});
