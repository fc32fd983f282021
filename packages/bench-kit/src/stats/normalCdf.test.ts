import { expect, test } from 'vitest';
import { normalCdf } from './normalCdf.ts';

test('Φ at table values', () => {
  expect(normalCdf(0)).toBeCloseTo(0.5, 6);
  expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  expect(normalCdf(2.575829)).toBeCloseTo(0.995, 6);
  expect(normalCdf(-8)).toBeCloseTo(0, 10);
});
