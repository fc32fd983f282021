/** expectedResults against hand-computed values (n = 6 unless stated). */
import { describe, expect, test } from 'vitest';
import { ARITHMETIC_HANDLERS } from './arithmeticHandlers.ts';
import { complexDag, diamondPattern, hierarchicalTree, mathematicalSequence } from './builtinTemplates.ts';
import { expectedFinalResult, expectedResults } from './expectedResults.ts';
import { chain, fanOut } from './generators.ts';

describe('expectedResults', () => {
  test('mathematical_sequence squares four times: 6 → 36 → 1296 → 1679616 → 2821109907456', () => {
    expect(Object.fromEntries(expectedResults(mathematicalSequence, { even_number: 6 }))).toEqual({
      linear_step_1: 36n,
      linear_step_2: 1296n,
      linear_step_3: 1679616n,
      linear_step_4: 2821109907456n,
    });
  });

  test('diamond_pattern ends at (1296 · 1296)² = 6^16', () => {
    const results = expectedResults(diamondPattern, { even_number: 6 });
    expect(results.get('diamond_branch_left')).toBe(1296n);
    expect(results.get('diamond_end')).toBe(2821109907456n);
  });

  test('complex_dag finalizes at 6^64', () => {
    const results = expectedResults(complexDag, { even_number: 6 });
    expect(results.get('dag_validate')).toBe(6n ** 16n);
    expect(results.get('dag_transform')).toBe(6n ** 8n);
    expect(results.get('dag_finalize')).toBe(6n ** 64n);
  });

  test('hierarchical_tree converges at 6^64, far beyond 2^53', () => {
    const final = expectedFinalResult(hierarchicalTree, { even_number: 6 });
    expect(final).toBe(63340286662973277706162286946811886609896461828096n);
    expect(final > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(expectedFinalResult(hierarchicalTree, { even_number: '2' })).toBe(2n ** 64n);
  });

  test('generated templates stay small: chain adds n, fan-out sums its leaves', () => {
    expect(expectedFinalResult(chain(1_000), { even_number: 6 })).toBe(1_006n);
    expect(expectedFinalResult(fanOut(10), { even_number: 6 })).toBe(80n);
  });

  test('a non-arithmetic handler is refused', () => {
    const template = {
      ...mathematicalSequence,
      steps: [{ ...mathematicalSequence.steps[0], handler: 'send_email' }],
    };
    expect(() => expectedResults(template as typeof mathematicalSequence, { even_number: 6 })).toThrow(
      /send_email/,
    );
  });

  test('square takes exactly one input', () => {
    expect(() => ARITHMETIC_HANDLERS.square([2n, 3n])).toThrow(RangeError);
    expect(ARITHMETIC_HANDLERS.multiply_and_square([2n, 3n])).toBe(36n);
  });
});
