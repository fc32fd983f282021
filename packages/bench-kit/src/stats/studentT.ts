/**
 * Two-sided 95% critical value of Student's t for `df` degrees of freedom, for the margin of error
 * (tinybench's `critical`). Exact table values up to 30, then interpolated linearly in 1/df between
 * 30, 40, 60, 120 and ∞ (1.96), the usual way to read a t table.
 */

const TABLE = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const TAIL: ReadonlyArray<readonly [df: number, t: number]> = [
  [30, 2.042],
  [40, 2.021],
  [60, 2.0],
  [120, 1.98],
  [Number.POSITIVE_INFINITY, 1.96],
];

export function tCritical95(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  const whole = Math.floor(df);
  if (whole <= TABLE.length) return TABLE[whole - 1] as number;
  for (let i = 1; i < TAIL.length; i++) {
    const [hiDf, hiT] = TAIL[i] as readonly [number, number];
    if (whole <= hiDf) {
      const [loDf, loT] = TAIL[i - 1] as readonly [number, number];
      const position = (1 / loDf - 1 / whole) / (1 / loDf - 1 / hiDf);
      return loT + position * (hiT - loT);
    }
  }
  return 1.96;
}
