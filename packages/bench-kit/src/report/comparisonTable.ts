/**
 * A recorded comparison (record/comparison.ts) made into its table: the figures looked up in the
 * suite's records, one column per figure (a latency measure gives p50, p95 and p99; a value measure
 * its value), each cell the figure and its ratio to the reference row (figure ÷ the reference's, in
 * every column, so 2.00x is twice the reference's figure whichever way is better), or why it has
 * none. Latency rows also carry a summary of their distribution (quartiles, p95, p99, extremes) for
 * the HTML report's charts, which draw every row on one axis. This is the shape the log, the CI JSON
 * (`comparisons`), the PR comment and the HTML report all render.
 */
import { type ComparisonMeasure, recordedValue } from '../record/comparison.ts';
import { percentile, sortAscending } from '../stats/percentile.ts';
import { summarizeSamples } from '../stats/summarizeSamples.ts';
import type { ComparisonEntry, RecordEntry, SuiteResult } from './suiteResult.ts';

export type ComparisonMetric = 'p50' | 'p95' | 'p99' | 'value';

export interface ComparisonColumn {
  measure: string;
  metric: ComparisonMetric;
  unit: string;
  better: 'lower' | 'higher';
}

/** A figure and its ratio to the reference's; `reason` says why either is missing. */
export interface ComparisonCell {
  value: number | null;
  ratio: number | null;
  reason?: string;
  /** the recorded measurement the figure comes from */
  record?: string;
}

/** What a latency row's chart draws, ms. */
export interface DistributionSummary {
  samples: number;
  min: number;
  p25: number;
  p50: number;
  p75: number;
  /** null where the sample count does not support it (see stats/percentile.ts) */
  p95: number | null;
  p99: number | null;
  max: number;
}

export interface ComparisonTableRow {
  name: string;
  note?: string;
  /** one per column, in column order */
  cells: ComparisonCell[];
  /** by latency measure name, where the row has samples */
  distributions: Record<string, DistributionSummary>;
}

export interface ComparisonTable {
  title: string;
  test: string;
  reference: string;
  note?: string;
  measures: ComparisonMeasure[];
  columns: ComparisonColumn[];
  rows: ComparisonTableRow[];
}

const LATENCY_METRICS = ['p50', 'p95', 'p99'] as const;

export function buildComparisonTables(result: SuiteResult): ComparisonTable[] {
  const records = new Map(result.records.map((r) => [r.name, r]));
  return (result.comparisons ?? []).map((entry) => buildComparisonTable(entry, records));
}

export function buildComparisonTable(
  { title, test, comparison }: ComparisonEntry,
  records: ReadonlyMap<string, RecordEntry>,
): ComparisonTable {
  const columns: ComparisonColumn[] = comparison.measures.flatMap((m) =>
    (m.kind === 'latency' ? LATENCY_METRICS : (['value'] as const)).map((metric) => ({
      measure: m.name,
      metric,
      unit: m.unit,
      better: m.better,
    })),
  );
  /** each row's figure per column, or why it has none */
  const figures = comparison.rows.map((row) => {
    const distributions: Record<string, DistributionSummary> = {};
    const values = columns.map((column): { value: number; record: string } | { reason: string } => {
      const figure = row.figures[column.measure];
      if (figure === undefined) return { reason: 'no cell was recorded' };
      if ('unavailable' in figure) return { reason: figure.unavailable };
      const entry = records.get(figure.record);
      if (!entry) return { reason: `no record "${figure.record}" in this run's results` };
      const m = entry.measurement;
      if (column.metric === 'value') {
        const value = recordedValue(m);
        return value === undefined
          ? { reason: `"${figure.record}" is a ${m.kind} record` }
          : { value, record: figure.record };
      }
      if (m.kind !== 'latency') return { reason: `"${figure.record}" is a ${m.kind} record` };
      const summary = entry.summary ?? summarizeSamples(m.samplesMs);
      distributions[column.measure] ??= distribution(m.samplesMs);
      const value = summary[column.metric];
      if (value !== undefined) return { value, record: figure.record };
      const why = summary.withheld.find((w) => w.startsWith(`${column.metric} `));
      return { reason: why ?? `${column.metric} was withheld` };
    });
    return { row, values, distributions };
  });
  const reference = figures.find((f) => f.row.name === comparison.reference);
  return {
    title,
    test,
    reference: comparison.reference,
    ...(comparison.note ? { note: comparison.note } : {}),
    measures: comparison.measures.map((m) => ({ ...m })),
    columns,
    rows: figures.map(({ row, values, distributions }) => ({
      name: row.name,
      ...(row.note ? { note: row.note } : {}),
      cells: values.map((v, i): ComparisonCell => {
        if ('reason' in v) return { value: null, ratio: null, reason: v.reason };
        const { value, record } = v;
        const ours = reference?.values[i];
        if (!ours || 'reason' in ours)
          return { value, ratio: null, reason: `${comparison.reference} has no figure`, record };
        if (ours.value === 0)
          return value === 0
            ? { value, ratio: 1, record }
            : { value, ratio: null, reason: `${comparison.reference}'s figure is 0`, record };
        return { value, ratio: value / ours.value, record };
      }),
      distributions,
    })),
  };
}

function distribution(samples: readonly number[]): DistributionSummary {
  const sorted = sortAscending(samples);
  const summary = summarizeSamples(sorted);
  return {
    samples: sorted.length,
    min: summary.min,
    p25: percentile(sorted, 0.25),
    p50: percentile(sorted, 0.5),
    p75: percentile(sorted, 0.75),
    p95: summary.p95 ?? null,
    p99: summary.p99 ?? null,
    max: summary.max,
  };
}
