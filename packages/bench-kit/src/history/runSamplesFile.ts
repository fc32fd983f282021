/**
 * The newest run of each suite: `latest/<suite>.samples.json`, written by the reporter beside
 * `latest/<suite>.log`. It holds every figure of the suite (runFigures.ts: kind, unit, better
 * direction, value) and, apart, the raw latency samples of those that have them. The HTML report
 * draws its distributions from the samples; `bench:ci` compares every figure with a baseline; the CI
 * JSON carries only summaries. Format 2 added `figures`; a format-1 file is skipped (the next run
 * replaces it).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, headline, runFigures } from '../baseline/runFigures.ts';
import { benchmarkPaths } from '../report/benchmarkPaths.ts';
import type { RunEnvironment } from '../report/environment.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import { targetRegistry } from '../targets/registry.ts';
import type { TargetRegistry } from '../targets/target.ts';

export const SAMPLES_FORMAT = 'tasker-samples/2';

export interface RunSamples {
  format: typeof SAMPLES_FORMAT;
  suite: string;
  file: string;
  timestamp: string;
  commit: string;
  profile: string;
  /** bench or record name → its figure, without samples */
  figures: Record<string, Figure>;
  /** bench or latency-record name → raw latency samples, ms (at most MAX_KEPT_SAMPLES, thinned evenly) */
  benches: Record<string, number[]>;
}

export function writeRunSamples(
  outputDir: string,
  suites: readonly SuiteResult[],
  env: RunEnvironment,
  registry: TargetRegistry = targetRegistry,
): string[] {
  mkdirSync(benchmarkPaths(outputDir).latest, { recursive: true });
  const written: string[] = [];
  for (const suite of suites) {
    const figures: Record<string, Figure> = {};
    const benches: Record<string, number[]> = {};
    const prefix = `${suite.suite}/`;
    for (const [key, figure] of Object.entries(runFigures([suite], registry))) {
      const name = key.slice(prefix.length);
      figures[name] = headline(figure);
      if (figure.samplesMs) benches[name] = figure.samplesMs;
    }
    const data: RunSamples = {
      format: SAMPLES_FORMAT,
      suite: suite.suite,
      file: suite.file,
      timestamp: env.timestamp,
      commit: env.commit,
      profile: env.profile,
      figures,
      benches,
    };
    const file = benchmarkPaths(outputDir).latestSamples(suite.suite);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(data)}\n`);
    renameSync(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}

/** Every `latest/*.samples.json` of the current format that parses, by suite. */
export function readLatestSamples(outputDir: string): Record<string, RunSamples> {
  const dir = benchmarkPaths(outputDir).latest;
  const found: Record<string, RunSamples> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of names.filter((n) => n.endsWith('.samples.json')).sort()) {
    try {
      const data = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunSamples;
      if (data.format === SAMPLES_FORMAT) found[data.suite] = data;
    } catch {
      // unreadable: the report shows the suite without distributions
    }
  }
  return found;
}
