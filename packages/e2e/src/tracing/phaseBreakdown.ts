/**
 * Where one task's time goes, from its spans (grouped by the correlation id every tasker span
 * carries, CORRELATION_ID_ATTRIBUTE), wherever they were collected: in memory in this process
 * (spanCollector.ts) or received over OTLP from the services' processes (otlpReceiver.ts). Phases, in a step's order; each is summed over the task's spans:
 *   api create         task.create minus its steps.enqueue child
 *   enqueue            steps.enqueue (at creation and after each result)
 *   queue wait         a step.claim's start minus the end of the latest steps.enqueue before it (or
 *                      of the latest inline result.submit, which enqueues the next steps itself)
 *   claim              step.claim (the claim round trip; 0 for a successor, which its parent's
 *                      inline result.submit claimed)
 *   handler            handler.execute
 *   submit             result.submit (with the inline hand-off: also the result's processing, the
 *                      next steps' enqueue and the finalization; the three result phases stay 0)
 *   result queue wait  a result.process's start minus the end of the latest result.submit before it
 *   result processing  result.process minus its steps.enqueue, except the finalizing one
 *   finalization       the result.process that finalized the task (task.finalize is its marker)
 * For a linear workflow the phases follow one another, so their sum approaches the end-to-end
 * latency; with parallel branches they overlap, and the sum exceeds it.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CORRELATION_ID_ATTRIBUTE } from '@tasker/shared';

export const PHASES = [
  'api create',
  'enqueue',
  'queue wait',
  'claim',
  'handler',
  'submit',
  'result queue wait',
  'result processing',
  'finalization',
] as const;
export type Phase = (typeof PHASES)[number];
export type PhaseTimes = Record<Phase, number>;

/** The fields of a span this module reads (a ReadableSpan satisfies it; tests build plain objects). */
export type SpanTimes = Pick<ReadableSpan, 'name' | 'attributes' | 'startTime' | 'endTime'>;

const ms = ([seconds, nanos]: readonly [number, number]): number => seconds * 1e3 + nanos / 1e6;

export function groupByCorrelation<T extends Pick<SpanTimes, 'attributes'>>(
  spans: readonly T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const span of spans) {
    const id = span.attributes[CORRELATION_ID_ATTRIBUTE];
    if (typeof id !== 'string') continue;
    const group = groups.get(id);
    if (group) group.push(span);
    else groups.set(id, [span]);
  }
  return groups;
}

type Interval = { start: number; end: number };

function latestEndBefore(ends: readonly number[], at: number): number | undefined {
  let best: number | undefined;
  for (const end of ends) if (end <= at + 0.5 && (best === undefined || end > best)) best = end;
  return best;
}

function contains(outer: Interval, inner: Interval): boolean {
  return inner.start >= outer.start - 1 && inner.end <= outer.end + 1;
}

/** The phases of one task, from all its spans. */
export function taskPhases(spans: readonly SpanTimes[]): PhaseTimes {
  const phases = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as PhaseTimes;
  const of = (name: string): Interval[] =>
    spans
      .filter((span) => span.name === name)
      .map((span) => ({ start: ms(span.startTime), end: ms(span.endTime) }))
      .sort((a, b) => a.start - b.start);
  const creates = of('task.create');
  const enqueues = of('steps.enqueue');
  const finalizes = of('task.finalize');
  const claims = of('step.claim');
  const submits = of('result.submit');
  const processes = of('result.process');
  const span = (i: Interval) => Math.max(0, i.end - i.start);
  const enqueueInside = (outer: Interval) =>
    enqueues.filter((e) => contains(outer, e)).reduce((sum, e) => sum + span(e), 0);

  for (const create of creates) phases['api create'] += Math.max(0, span(create) - enqueueInside(create));
  for (const enqueue of enqueues) phases.enqueue += span(enqueue);
  const inlineSubmitEnds = spans
    .filter((span) => span.name === 'result.submit' && span.attributes['tasker.result_handoff'] === 'inline')
    .map((span) => ms(span.endTime));
  const enqueueEnds = [...enqueues.map((e) => e.end), ...inlineSubmitEnds];
  for (const claim of claims) {
    phases.claim += span(claim);
    const ready = latestEndBefore(enqueueEnds, claim.start);
    if (ready !== undefined) phases['queue wait'] += Math.max(0, claim.start - ready);
  }
  for (const handler of of('handler.execute')) phases.handler += span(handler);
  for (const submit of submits) phases.submit += span(submit);
  const submitEnds = submits.map((s) => s.end);
  for (const process of processes) {
    const submitted = latestEndBefore(submitEnds, process.start);
    if (submitted !== undefined) phases['result queue wait'] += Math.max(0, process.start - submitted);
    const own = Math.max(0, span(process) - enqueueInside(process));
    if (finalizes.some((f) => contains(process, f))) phases.finalization += own;
    else phases['result processing'] += own;
  }
  return phases;
}

/** The mean of each phase over tasks. */
export function meanPhases(tasks: readonly PhaseTimes[]): PhaseTimes {
  const mean = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as PhaseTimes;
  if (tasks.length === 0) return mean;
  for (const task of tasks) for (const phase of PHASES) mean[phase] += task[phase] / tasks.length;
  return mean;
}
