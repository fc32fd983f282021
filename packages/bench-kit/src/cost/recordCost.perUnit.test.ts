import { expect, test } from 'vitest';
import type { CostFigures } from './costMeter.ts';
import { addCosts, costPerUnit } from './recordCost.ts';

const window = (postgresMs: number, systemMs: number, statements: number, walBytes: number): CostFigures => ({
  durationMs: 1_000,
  cpuMs: {
    postgres: { state: 'measured', value: postgresMs },
    system: { state: 'measured', value: systemMs },
  },
  statements: { state: 'measured', value: statements },
  commits: { state: 'measured', value: statements / 2 },
  walBytes,
});

test('per unit: each figure divided by the count; the total only when both CPU figures were read', () => {
  expect(costPerUnit(window(300, 100, 800, 40_000), 200, 'step')).toEqual({
    unit: 'step',
    count: 200,
    cpuMs: { postgres: 1.5, system: 0.5, total: 2 },
    statements: 4,
    commits: 2,
    walBytes: 200,
  });
  const remote: CostFigures = {
    ...window(0, 100, 800, 40_000),
    cpuMs: {
      postgres: { state: 'unavailable', reason: 'not local' },
      system: { state: 'measured', value: 100 },
    },
  };
  expect(costPerUnit(remote, 100, 'job').cpuMs).toEqual({ system: 1 });
  expect(() => costPerUnit(remote, 0, 'job')).toThrow('count must be an integer ≥ 1, got 0');
});

test('two windows add up; an unavailable figure stays unavailable with its reason', () => {
  const sum = addCosts(window(10, 20, 30, 40), window(1, 2, 3, 4));
  expect(sum).toMatchObject({
    durationMs: 2_000,
    cpuMs: { postgres: { value: 11 }, system: { value: 22 } },
    statements: { value: 33 },
    walBytes: 44,
  });
  const missing = addCosts(window(1, 1, 1, 1), {
    ...window(1, 1, 1, 1),
    statements: { state: 'unavailable', reason: 'no extension' },
  });
  expect(missing.statements).toEqual({ state: 'unavailable', reason: 'no extension' });
});
