/**
 * Raw samples of the newest run of each suite: `latest/<suite>.samples.json`, written by the
 * reporter beside `latest/<suite>.log`. The HTML report draws its distributions from them and
 * `bench:ci` compares them with a baseline; the CI JSON carries only summaries.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEnvironment } from '../report/environment.ts';
import type { SuiteResult } from '../report/suiteResult.ts';

export const SAMPLES_FORMAT = 'tasker-samples/1';

/** Micro benches take millions of samples; a distribution and a rank test need far fewer. */
export const MAX_KEPT_SAMPLES = 20_000;

/** Every k-th sample in run order, so a long run keeps its shape (and its drift) in fewer numbers. */
export function thinSamples(samples: readonly number[], max = MAX_KEPT_SAMPLES): number[] {
  if (samples.length <= max) return [...samples];
  const step = samples.length / max;
  return Array.from({ length: max }, (_, i) => samples[Math.floor(i * step)] as number);
}

export interface RunSamples {
  format: typeof SAMPLES_FORMAT;
  suite: string;
  file: string;
  timestamp: string;
  commit: string;
  profile: string;
  /** bench or latency-record name → raw latency samples, ms (at most MAX_KEPT_SAMPLES, thinned evenly) */
  benches: Record<string, number[]>;
}

export function samplesPath(outputDir: string, suite: string): string {
  return join(outputDir, 'latest', `${suite}.samples.json`);
}

export function writeRunSamples(
  outputDir: string,
  suites: readonly SuiteResult[],
  env: RunEnvironment,
): string[] {
  mkdirSync(join(outputDir, 'latest'), { recursive: true });
  const written: string[] = [];
  for (const suite of suites) {
    const benches: Record<string, number[]> = {};
    for (const bench of suite.benches)
      if (bench.samplesMs?.length) benches[bench.name] = thinSamples(bench.samplesMs);
    for (const entry of suite.records)
      if (entry.measurement.kind === 'latency')
        benches[entry.name] = thinSamples(entry.measurement.samplesMs);
    const data: RunSamples = {
      format: SAMPLES_FORMAT,
      suite: suite.suite,
      file: suite.file,
      timestamp: env.timestamp,
      commit: env.commit,
      profile: env.profile,
      benches,
    };
    const file = samplesPath(outputDir, suite.suite);
    writeFileSync(`${file}.tmp`, `${JSON.stringify(data)}\n`);
    renameSync(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}

/** Every `latest/*.samples.json` that parses, by suite. */
export function readLatestSamples(outputDir: string): Record<string, RunSamples> {
  const dir = join(outputDir, 'latest');
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
