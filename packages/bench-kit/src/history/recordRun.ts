/**
 * The reporter's one hook into history: after the reports are written, keep this run's figures and raw samples
 * (`latest/<suite>.samples.json`) and append one line per figure to the history file.
 */
import { benchmarkPaths } from '../report/benchmarkPaths.ts';
import type { RunEnvironment } from '../report/environment.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import { targetRegistry } from '../targets/registry.ts';
import type { TargetRegistry } from '../targets/target.ts';
import { appendHistory, historyLines } from './historyFile.ts';
import { writeRunSamples } from './runSamplesFile.ts';

export function recordRun(
  outputDir: string,
  suites: readonly SuiteResult[],
  env: RunEnvironment,
  processEnv: NodeJS.ProcessEnv = process.env,
  registry: TargetRegistry = targetRegistry,
): { history: string; lines: number; samples: string[] } {
  const samples = writeRunSamples(outputDir, suites, env, registry);
  const history = benchmarkPaths(outputDir, processEnv).history;
  const lines = historyLines(suites, env, registry);
  appendHistory(history, lines);
  return { history, lines: lines.length, samples };
}
