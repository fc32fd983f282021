/**
 * Median of unsorted samples in linear expected time (quickselect on a copy), for the bootstrap,
 * which takes thousands of medians of resamples. Same definition as `percentile(sorted, 0.5)`.
 */

export function median(samples: ArrayLike<number>): number {
  const n = samples.length;
  if (n === 0) throw new RangeError('median of no samples');
  const values = Float64Array.from(samples);
  const upper = select(values, n >> 1);
  if (n % 2 === 1) return upper;
  // the lower middle is the largest value left of the upper middle after partitioning
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, values[i] as number);
  return (lower + upper) / 2;
}

/** Rearranges `values` so that index k holds the k-th smallest value, smaller ones left of it. */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}
