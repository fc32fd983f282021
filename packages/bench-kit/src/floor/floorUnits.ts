/**
 * Figures in units of the machine's floor. Every latency of a report (a row in ms) is also shown in
 * round trips: value ÷ the `select 1` p50 of the same run on the same server. A round trip is the
 * unit every tasker hop is made of (the design budgets about two round trips and two commits per
 * step), so "40 round trips" stays comparable across a faster or slower machine where "4.1 ms" does
 * not. The NOTIFY and commit floors are printed beside it for figures bound by those.
 */
import { formatMs } from '../report/format.ts';
import type { MachineFloor } from './measureFloor.ts';

/** `ms` in round trips of `floor`, or undefined without a (positive) floor. */
export function inRoundTrips(ms: number | undefined, floor: MachineFloor | undefined): number | undefined {
  if (ms === undefined || floor === undefined || !(floor.roundTripMs > 0)) return undefined;
  const trips = ms / floor.roundTripMs;
  return Number.isFinite(trips) ? trips : undefined;
}

/** "41 RT", "1.8 RT": two significant digits below 10, whole numbers above. */
export function formatRoundTrips(trips: number | undefined): string {
  if (trips === undefined) return '—';
  return `${trips >= 10 ? Math.round(trips).toLocaleString('en-US') : trips.toPrecision(2)} RT`;
}

/** One line: the three floors and how many tries each p50 rests on. */
export function formatFloor(floor: MachineFloor): string {
  return [
    `round trip (select 1) p50 ${formatMs(floor.roundTripMs)} ms`,
    `NOTIFY → LISTEN p50 ${formatMs(floor.notifyMs)} ms`,
    `commit (1-row insert) p50 ${formatMs(floor.commitMs)} ms`,
  ]
    .join(' · ')
    .concat(`; ${floor.tries} tries each`);
}
