/**
 * A run against a stored baseline: every figure of the run (runFigures.ts) compared with its stored
 * counterpart by `compareFigure` — samples where both sides have them, else the relative change in
 * the figure's direction — and the markdown table the console and `latest/` show.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { benchmarkPaths } from '../report/benchmarkPaths.ts';
import { formatPercent, formatValue, markdownTable } from '../report/format.ts';
import type { TargetRegistry } from '../targets/target.ts';
import type { BaselineRun } from './baselineFile.ts';
import { compareFigure, type FigureComparison } from './compareToBaseline.ts';
import { directionLabel, TEST_DESCRIPTION, VERDICT_MARK } from './figureVerdict.ts';
import type { Figure, RunFigures } from './runFigures.ts';

export interface BaselineRow {
  key: string;
  /** undefined: the figure is new since the baseline (or changed its kind or unit) */
  comparison: FigureComparison | undefined;
  current: Figure;
}

export function compareRun(
  baseline: BaselineRun,
  current: RunFigures,
  registry: TargetRegistry,
): BaselineRow[] {
  return Object.entries(current).map(([key, figure]) => {
    const stored = baseline.figures[key];
    const comparable = stored !== undefined && stored.kind === figure.kind && stored.unit === figure.unit;
    const noise = registry[key]?.noise;
    return {
      key,
      current: figure,
      comparison: comparable
        ? compareFigure(stored, figure, noise === undefined ? {} : { noise })
        : undefined,
    };
  });
}

/** The test's own numbers: "p < 0.001, CI 1.21–1.35", or the threshold a single value was held to. */
export function comparisonEvidence(c: FigureComparison): string {
  if (c.pValue !== undefined && c.interval)
    return `p ${c.pValue < 0.001 ? '< 0.001' : `= ${c.pValue.toFixed(3)}`}, CI ${c.interval.low.toFixed(3)}–${c.interval.high.toFixed(3)}`;
  return `±${(c.threshold * 100).toFixed(0)}% threshold`;
}

/** One row of the baseline tables: figure, direction, baseline, current, change, test, verdict. */
export function baselineCells({ key, comparison: c, current }: BaselineRow): string[] {
  if (!c)
    return [
      key,
      `${current.kind}, ${directionLabel(current.better)}`,
      '—',
      formatValue(current.value, current.unit),
      '—',
      '—',
      'new',
    ];
  return [
    key,
    `${c.kind}, ${directionLabel(c.better)}`,
    formatValue(c.baseline, c.unit),
    formatValue(c.current, c.unit),
    formatPercent(c.change),
    `${c.test} (${comparisonEvidence(c)})`,
    VERDICT_MARK[c.verdict],
  ];
}

export const BASELINE_HEADERS = ['Figure', 'Kind', 'Baseline', 'Current', 'Change', 'Decided by', 'Verdict'];

/** Which test each verdict rests on, one line per test the table uses. */
export function testLegend(rows: readonly BaselineRow[]): string {
  const tests = [...new Set(rows.flatMap((r) => (r.comparison ? [r.comparison.test] : [])))];
  return tests.map((t) => `- \`${t}\`: ${TEST_DESCRIPTION[t]}`).join('\n');
}

export function formatBaselineTable(baselineName: string, rows: readonly BaselineRow[]): string {
  const legend = testLegend(rows);
  return [
    `Against baseline "${baselineName}" (latency: medians; change = current/baseline − 1; regressed = beyond the figure's threshold in its worse direction and, where there are samples, significant)`,
    markdownTable(BASELINE_HEADERS, rows.map(baselineCells)),
    ...(legend ? [legend] : []),
  ].join('\n\n');
}

export interface BaselineVerdictFile {
  baseline: string;
  regressed: string[];
}

/** latest/baseline.md (the table) and latest/baseline.json (what regressed), read by scripts/bench.ts. */
export function writeBaselineVerdict(
  outputDir: string,
  baseline: string,
  table: string,
  regressed: string[],
): void {
  const paths = benchmarkPaths(outputDir);
  mkdirSync(paths.latest, { recursive: true });
  writeFileSync(paths.baselineTable, `${table}\n`);
  writeFileSync(
    paths.baselineVerdict,
    `${JSON.stringify({ baseline, regressed } satisfies BaselineVerdictFile)}\n`,
  );
}

/** The verdict of the last run, or undefined when it compared against no baseline. */
export function readBaselineVerdict(outputDir: string): BaselineVerdictFile | undefined {
  try {
    return JSON.parse(readFileSync(benchmarkPaths(outputDir).baselineVerdict, 'utf8')) as BaselineVerdictFile;
  } catch {
    return undefined;
  }
}
