/**
 * A run against a stored baseline: every bench and latency record of the run that has samples,
 * compared by `compareToBaseline`, and the markdown table the console and `latest/` show.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMs, formatPercent, markdownTable } from '../report/format.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import { median } from '../stats/median.ts';
import { DEFAULT_NOISE, type TargetRegistry, targetKey } from '../targets/target.ts';
import type { BaselineRun } from './baselineFile.ts';
import { type BaselineComparison, compareToBaseline } from './compareToBaseline.ts';

export interface BaselineRow {
  key: string;
  /** undefined: the bench is new since the baseline */
  comparison: BaselineComparison | undefined;
  currentMedian: number;
}

/** Raw latency samples of a run, keyed `<suite>/<name>` (what a baseline stores). */
export function runSamples(suites: readonly SuiteResult[]): Record<string, { samplesMs: number[] }> {
  const samples: Record<string, { samplesMs: number[] }> = {};
  for (const suite of suites) {
    for (const bench of suite.benches) {
      if (bench.samplesMs?.length)
        samples[targetKey(suite.suite, bench.name)] = { samplesMs: bench.samplesMs };
    }
    for (const entry of suite.records) {
      if (entry.measurement.kind === 'latency') {
        samples[targetKey(suite.suite, entry.name)] = { samplesMs: entry.measurement.samplesMs };
      }
    }
  }
  return samples;
}

export function compareRun(
  baseline: BaselineRun,
  current: Record<string, { samplesMs: number[] }>,
  registry: TargetRegistry,
): BaselineRow[] {
  return Object.entries(current).map(([key, { samplesMs }]) => {
    const stored = baseline.benches[key];
    return {
      key,
      currentMedian: median(samplesMs),
      comparison: stored
        ? compareToBaseline(stored.samplesMs, samplesMs, { noise: registry[key]?.noise ?? DEFAULT_NOISE })
        : undefined,
    };
  });
}

export function formatBaselineTable(baselineName: string, rows: readonly BaselineRow[]): string {
  const table = markdownTable(
    ['Benchmark', 'Baseline', 'Current', 'Change', 'CI of ratio', 'Status'],
    rows.map(({ key, comparison: c, currentMedian }) =>
      c
        ? [
            key,
            `${formatMs(c.baselineMedian)} ms`,
            `${formatMs(c.currentMedian)} ms`,
            formatPercent(c.change),
            `${c.interval.low.toFixed(3)}–${c.interval.high.toFixed(3)}`,
            `${c.verdict} (p ${c.pValue < 0.001 ? '< 0.001' : `= ${c.pValue.toFixed(3)}`})`,
          ]
        : [key, '—', `${formatMs(currentMedian)} ms`, '—', '—', 'New'],
    ),
  );
  return [
    `Against baseline "${baselineName}" (medians; CI: bootstrap 95% interval of current/baseline; Regressed = beyond the noise threshold and significant)`,
    table,
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
  const latest = join(outputDir, 'latest');
  mkdirSync(latest, { recursive: true });
  writeFileSync(join(latest, 'baseline.md'), `${table}\n`);
  writeFileSync(
    join(latest, 'baseline.json'),
    `${JSON.stringify({ baseline, regressed } satisfies BaselineVerdictFile)}\n`,
  );
}

/** The verdict of the last run, or undefined when it compared against no baseline. */
export function readBaselineVerdict(outputDir: string): BaselineVerdictFile | undefined {
  try {
    return JSON.parse(
      readFileSync(join(outputDir, 'latest', 'baseline.json'), 'utf8'),
    ) as BaselineVerdictFile;
  } catch {
    return undefined;
  }
}
