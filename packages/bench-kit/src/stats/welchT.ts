/**
 * Welch's t on two small independent sets of values (unequal variances), as a 95% confidence
 * interval of the difference of means, `b − a`, with the Welch–Satterthwaite degrees of freedom.
 * For figures measured once per run (a throughput, a growth ratio), compared over a few rounds per
 * side: the interval excludes 0 when the rounds differ beyond their own spread. The critical value is
 * read at the whole degrees of freedom below the fractional one (`tCritical95`), which errs wide.
 */
import { tCritical95 } from './studentT.ts';

export interface WelchInterval {
  /** mean(b) − mean(a) */
  difference: number;
  low: number;
  high: number;
  /** Welch–Satterthwaite degrees of freedom; Infinity when neither side varies */
  df: number;
  /** difference / standard error (±Infinity, or 0, when neither side varies) */
  t: number;
}

export function welchT(a: readonly number[], b: readonly number[]): WelchInterval {
  if (a.length < 2 || b.length < 2)
    throw new RangeError(`Welch's t needs at least 2 values on each side (got ${a.length} and ${b.length})`);
  const difference = mean(b) - mean(a);
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // two constant sides: the difference is exactly what it is
    return {
      difference,
      low: difference,
      high: difference,
      df: Number.POSITIVE_INFINITY,
      t: difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY,
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const margin = tCritical95(df) * se;
  return { difference, low: difference - margin, high: difference + margin, df, t: difference / se };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/** Sample variance (n − 1). */
function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((sum, x) => sum + (x - m) ** 2, 0) / (values.length - 1);
}
