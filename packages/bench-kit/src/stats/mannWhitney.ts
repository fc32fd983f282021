/**
 * Mann–Whitney U test (two-sided) on two independent sample sets, by the normal approximation with
 * tie correction and a continuity correction of ½ — the asymptotic method of SciPy's `mannwhitneyu`.
 * Bench sample sets hold tens to thousands of samples, where the approximation is accurate.
 *
 * It asks whether a sample from one set tends to be larger than one from the other; it assumes
 * nothing about the shape of latency distributions (skewed, with long tails), unlike a t test.
 */
import { normalCdf } from './normalCdf.ts';

export interface MannWhitneyResult {
  /** U of the first set: how many (a, b) pairs have a > b, ties counting ½ */
  u: number;
  z: number;
  /** two-sided p-value */
  pValue: number;
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann–Whitney U needs samples on both sides');
  const pooled = [
    ...a.map((value) => ({ value, first: true })),
    ...b.map((value) => ({ value, first: false })),
  ];
  pooled.sort((x, y) => x.value - y.value);

  const n = n1 + n2;
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (pooled[j + 1] as { value: number }).value === (pooled[i] as { value: number }).value)
      j++;
    const ties = j - i + 1;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((pooled[k] as { first: boolean }).first) rankSumFirst += averageRank;
    tieTerm += ties ** 3 - ties;
    i = j + 1;
  }

  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, z: 0, pValue: 1 };
  const distance = Math.max(0, Math.abs(u - mean) - 0.5);
  if (distance === 0) return { u, z: 0, pValue: 1 };
  const z = (Math.sign(u - mean) * distance) / Math.sqrt(variance);
  return { u, z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}
