/**
 * Everything the HTML report shows, gathered from what runs left in tmp/benchmarks/: the CI JSON of
 * each suite (statuses, percentiles, targets), the raw samples of its newest run, the history file
 * and, when there is one, a baseline to compare with. Pure data, so the pages render in tests
 * without a run.
 */
import { existsSync } from 'node:fs';
import type { BaselineRun } from '../baseline/baselineFile.ts';
import { baselinePath, loadBaseline } from '../baseline/baselineFile.ts';
import { type HistoryLine, readHistory } from '../history/historyFile.ts';
import { readCiReports } from '../history/latestRun.ts';
import { type RunSamples, readLatestSamples } from '../history/runSamplesFile.ts';
import { benchmarkPaths } from '../report/benchmarkPaths.ts';
import type { CiReport } from '../report/ciJson.ts';

export interface ReportData {
  generatedAt: string;
  suites: CiReport[];
  samples: Record<string, RunSamples>;
  history: HistoryLine[];
  baseline: BaselineRun | undefined;
}

export function gatherReportData(
  outputDir: string,
  { baseline, env = process.env }: { baseline?: string; env?: NodeJS.ProcessEnv } = {},
): ReportData {
  const baselineDir = benchmarkPaths(outputDir, env).baselines;
  const name = baseline ?? (existsSync(baselinePath(baselineDir, 'main')) ? 'main' : undefined);
  return {
    generatedAt: new Date().toISOString(),
    suites: readCiReports(outputDir),
    samples: readLatestSamples(outputDir),
    history: readHistory(benchmarkPaths(outputDir, env).history),
    baseline: name ? loadBaseline(baselineDir, name) : undefined,
  };
}
