/** comparePhases and largestShareDifference against hand-computed shares. */
import { describe, expect, test } from 'vitest';
import { PHASES, type PhaseTimes } from '../src/index.ts';
import { comparePhases, largestShareDifference, shares } from '../src/tracing/comparePhases.ts';

const phases = (values: Partial<PhaseTimes>): PhaseTimes =>
  ({ ...Object.fromEntries(PHASES.map((phase) => [phase, 0])), ...values }) as PhaseTimes;
const LIMITS = { maxShareDifference: 0.25, maxHopShareDifference: 0.35 };

// sum 10: api create 20 %, queue wait 20 %, claim 10 %, handler 10 %, submit 40 %
const reference = phases({ 'api create': 2, 'queue wait': 2, claim: 1, handler: 1, submit: 4 });

describe('comparePhases', () => {
  test('shares are of the phases’ sum', () => {
    expect(shares(reference).submit).toBeCloseTo(0.4);
    expect(shares(phases({})).submit).toBe(0);
  });

  test('the same breakdown at another scale agrees', () => {
    const doubled = phases({ 'api create': 4, 'queue wait': 4, claim: 2, handler: 2, submit: 8 });
    expect(comparePhases(reference, doubled, LIMITS)).toEqual([]);
    expect(largestShareDifference(reference, doubled)[1]).toBeCloseTo(0);
  });

  test('a hop phase may grow more than a phase inside one service', () => {
    // queue wait 2 → 8: sum 16, queue wait 50 % (+30 points, within 35), submit 25 % (−15, within 25)
    const hopped = phases({ 'api create': 2, 'queue wait': 8, claim: 1, handler: 1, submit: 4 });
    expect(comparePhases(reference, hopped, LIMITS)).toEqual([]);
    const [phase, points] = largestShareDifference(reference, hopped);
    expect(phase).toBe('queue wait');
    expect(points).toBeCloseTo(0.3);
  });

  test('a phase inside one service that moves 30 points disagrees, naming both shares', () => {
    // submit 4 → 12: sum 18, submit 66.7 % against 40 %
    const slower = phases({ 'api create': 2, 'queue wait': 2, claim: 1, handler: 1, submit: 12 });
    expect(comparePhases(reference, slower, LIMITS)).toEqual([
      'submit: 66.7 % of the time against 40.0 % (more than 25.0 % apart)',
    ]);
  });

  test('a phase present in only one of them disagrees', () => {
    const queued = phases({ ...reference, 'result queue wait': 0.5 });
    const noHandler = phases({ ...reference, handler: 0 });
    expect(comparePhases(reference, queued, LIMITS)).toEqual([
      'phases differ: result queue wait only in the other',
    ]);
    expect(comparePhases(reference, noHandler, LIMITS)).toEqual([
      'phases differ: handler only in the reference',
    ]);
  });
});
