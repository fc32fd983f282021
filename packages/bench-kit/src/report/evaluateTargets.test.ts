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
  's/reads': { targets: [{ metric: 'throughput-min', threshold: 1_000, reference: 'r6' }] },
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
    { name: 'reads', test: 't', measurement: { kind: 'throughput', perSecond: 1_250, unit: 'msgs' } },
    { name: 'growth', test: 't', measurement: { kind: 'growth', ratio: 1.2, from: '5K', to: '100K' } },
  ],
  failures: [],
};
const rows = evaluateTargets(suite, registry);
const row = (name: string) => rows.find((r) => r.name === name);

describe('evaluateTargets', () => {
  test('within a ceiling: ratio threshold / value, above 1', () => {
    // mean of 1, 1, 2 = 4/3 against ≤ 2: 2 / (4/3) = 1.5
    expect(row('fast')).toMatchObject({ status: 'within', metric: 'mean', reference: 'r1' });
    expect(row('fast')?.ratio).toBeCloseTo(1.5, 10);
  });

  test('over a ceiling: below 1', () => {
    // p50 2 against ≤ 1: 1 / 2
    expect(row('slow')).toMatchObject({ status: 'over', value: 2, ratio: 0.5 });
  });

  test('a withheld percentile gives no verdict, with the reason', () => {
    expect(row('few')).toMatchObject({ status: 'withheld', reason: 'p99 needs ≥ 100 samples (have 3)' });
  });

  test('not in the registry: no target, headline mean', () => {
    expect(row('untargeted')).toMatchObject({ status: 'no-target', metric: 'mean', value: 4 });
  });

  test('throughput-min is a floor: ratio value / threshold, below 1 is over', () => {
    // 800/s against ≥ 1,000/s: 0.8; 1,250/s: 1.25
    expect(row('sends')).toMatchObject({ status: 'over', value: 800, ratio: 0.8, unit: 'msgs/s' });
    expect(row('reads')).toMatchObject({ status: 'within', value: 1_250, ratio: 1.25 });
  });

  test('value-max on a growth ratio: a ceiling', () => {
    // 1.2 against ≤ 1.5: 1.5 / 1.2 = 1.25
    expect(row('growth')).toMatchObject({ status: 'within', value: 1.2 });
    expect(row('growth')?.ratio).toBeCloseTo(1.25, 10);
  });
});
