/**
 * A comparison: systems side by side on the same measures, every figure also as a ratio to one of
 * them (the reference), in one table — what a reader choosing between the systems wants first. It
 * is a view over figures the bench recorded (`record`), never a figure of its own: each cell names
 * the recorded measurement it shows, or says why there is none, so the table can hold no number the
 * figures do not. The harness knows nothing of the systems: the bench names the rows, the measures
 * and the reference.
 *
 *   measure kind  its figure                     columns            chart (HTML report)
 *   latency       a `latency` record (samples)   p50, p95, p99      one distribution per row, one axis
 *   value         a `throughput`, `value` or     the value          one bar per row, one axis
 *                 `bytes` record
 *
 * `validateComparison` runs in the bench (recordComparison), against the measurements recorded so
 * far, so a cell that names no figure, or one of the wrong kind, fails there.
 */
import type { Measurement } from './measurement.ts';

export interface ComparisonMeasure {
  /** column heading, e.g. "chain of 4"; unique within the comparison */
  name: string;
  kind: 'latency' | 'value';
  /** unit of its figures, e.g. "ms", "jobs/s", "ms/step" */
  unit: string;
  better: 'lower' | 'higher';
  /** what it measures and how, listed under the table */
  note?: string;
}

/** A cell: the recorded measurement it shows, or why it has no figure. */
export type ComparisonFigure = { record: string } | { unavailable: string };

export interface ComparisonRow {
  /** e.g. the system's name; unique within the comparison */
  name: string;
  /** how it ran (its configuration) */
  note?: string;
  /** by measure name: every measure has a cell in every row */
  figures: Readonly<Record<string, ComparisonFigure>>;
}

export interface Comparison {
  /** the row every ratio is to */
  reference: string;
  measures: readonly ComparisonMeasure[];
  rows: readonly ComparisonRow[];
  note?: string;
}

/** Measurement kinds a measure of each kind can show. */
const SHOWN_KINDS: Record<ComparisonMeasure['kind'], readonly Measurement['kind'][]> = {
  latency: ['latency'],
  value: ['throughput', 'value', 'bytes'],
};

/** The figure of a value measure's record, in the record's own unit. */
export function recordedValue(measurement: Measurement): number | undefined {
  switch (measurement.kind) {
    case 'throughput':
      return measurement.perSecond;
    case 'value':
      return measurement.value;
    case 'bytes':
      return measurement.bytes;
    default:
      return undefined;
  }
}

export function validateComparison(
  title: string,
  comparison: Comparison,
  recorded: ReadonlyMap<string, Measurement>,
): void {
  // a declaration, not an arrow: TypeScript narrows after a call only to a declared `never` function
  function fail(problem: string): never {
    throw new TypeError(`recordComparison("${title}"): ${problem}`);
  }
  if (title.trim() === '') fail('the title must not be empty');
  if (comparison.measures.length === 0) fail('measures is empty');
  if (comparison.rows.length < 2) fail(`a comparison needs at least 2 rows, got ${comparison.rows.length}`);
  const unique = (what: string, names: readonly string[]) => {
    const seen = new Set<string>();
    for (const name of names) {
      if (name.trim() === '') fail(`a ${what} name must not be empty`);
      if (seen.has(name)) fail(`${what} "${name}" appears twice`);
      seen.add(name);
    }
  };
  unique(
    'measure',
    comparison.measures.map((m) => m.name),
  );
  unique(
    'row',
    comparison.rows.map((r) => r.name),
  );
  for (const measure of comparison.measures) {
    if (measure.kind !== 'latency' && measure.kind !== 'value')
      fail(
        `measure "${measure.name}": kind must be "latency" or "value", got ${JSON.stringify(measure.kind)}`,
      );
    if (measure.better !== 'lower' && measure.better !== 'higher')
      fail(
        `measure "${measure.name}": better must be "lower" or "higher", got ${JSON.stringify(measure.better)}`,
      );
    if (measure.unit.trim() === '') fail(`measure "${measure.name}": the unit must not be empty`);
  }
  if (!comparison.rows.some((r) => r.name === comparison.reference))
    fail(`the reference "${comparison.reference}" is not a row`);
  for (const row of comparison.rows) {
    for (const name of Object.keys(row.figures))
      if (!comparison.measures.some((m) => m.name === name))
        fail(`row "${row.name}": "${name}" is not a measure`);
    for (const measure of comparison.measures) {
      const where = `row "${row.name}", measure "${measure.name}"`;
      const figure = row.figures[measure.name];
      if (figure === undefined) fail(`${where}: no cell (give the record, or why there is none)`);
      if ('unavailable' in figure) {
        if (typeof figure.unavailable !== 'string' || figure.unavailable.trim() === '')
          fail(`${where}: say why there is no figure`);
        continue;
      }
      const measurement = recorded.get(figure.record);
      if (!measurement)
        fail(`${where}: no measurement "${figure.record}" was recorded before the comparison`);
      const kinds = SHOWN_KINDS[measure.kind];
      if (!kinds.includes(measurement.kind))
        fail(
          `${where}: "${figure.record}" is a ${measurement.kind} record; a ${measure.kind} measure shows ${kinds.join(', ')}`,
        );
    }
  }
}
