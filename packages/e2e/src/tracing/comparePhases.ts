/**
 * Whether two phase breakdowns of one workflow tell the same story — the in-process one and one
 * from the services' own processes (cluster, remote) — beyond what the process hops explain:
 *   - the same phases are present (a mean above PRESENT_MS): which phases a step goes through is
 *     the engine's design (e.g. the inline hand-off has no result phases), not the deployment's;
 *   - each phase's share of the phases' sum differs by at most `maxShareDifference` (absolute,
 *     0.25 = 25 points). Separate processes add a hop where one service hands work to another: the
 *     wake-up through PostgreSQL's NOTIFY to another process, an HTTP request instead of a call. The
 *     hop phases (HOP_PHASES: api create, queue wait, result queue wait) may take a larger share,
 *     so their own limit is `maxHopShareDifference`; a phase inside one service (enqueue, claim,
 *     handler, submit, result processing, finalization) should keep its share.
 * Returns the problems found, one line each; none means they agree.
 */
import { PHASES, type Phase, type PhaseTimes } from './phaseBreakdown.ts';

/** a phase with a mean above this is present (ms) */
export const PRESENT_MS = 0.001;
export const HOP_PHASES: readonly Phase[] = ['api create', 'queue wait', 'result queue wait'];

export type PhaseAgreement = {
  /** the largest difference in share of a phase within one service (0–1) */
  maxShareDifference: number;
  /** the same for a hop phase */
  maxHopShareDifference: number;
};

export function shares(phases: PhaseTimes): PhaseTimes {
  const sum = PHASES.reduce((total, phase) => total + phases[phase], 0);
  return Object.fromEntries(PHASES.map((phase) => [phase, sum > 0 ? phases[phase] / sum : 0])) as PhaseTimes;
}

export function comparePhases(reference: PhaseTimes, other: PhaseTimes, limits: PhaseAgreement): string[] {
  const problems: string[] = [];
  const present = (phases: PhaseTimes) => PHASES.filter((phase) => phases[phase] > PRESENT_MS);
  const a = present(reference);
  const b = present(other);
  const missing = a.filter((phase) => !b.includes(phase));
  const extra = b.filter((phase) => !a.includes(phase));
  if (missing.length > 0 || extra.length > 0)
    problems.push(
      `phases differ: ${[...missing.map((phase) => `${phase} only in the reference`), ...extra.map((phase) => `${phase} only in the other`)].join(', ')}`,
    );
  const s = shares(reference);
  const t = shares(other);
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  for (const phase of PHASES) {
    const limit = HOP_PHASES.includes(phase) ? limits.maxHopShareDifference : limits.maxShareDifference;
    const difference = Math.abs(t[phase] - s[phase]);
    if (difference > limit)
      problems.push(
        `${phase}: ${pct(t[phase])} of the time against ${pct(s[phase])} (more than ${pct(limit)} apart)`,
      );
  }
  return problems;
}

/** The phase whose share differs most between the two, and by how much (0–1). */
export function largestShareDifference(reference: PhaseTimes, other: PhaseTimes): [Phase, number] {
  const s = shares(reference);
  const t = shares(other);
  let largest: [Phase, number] = [PHASES[0], 0];
  for (const phase of PHASES) {
    const difference = Math.abs(t[phase] - s[phase]);
    if (difference > largest[1]) largest = [phase, difference];
  }
  return largest;
}
