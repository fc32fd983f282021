/**
 * What the newest run left in tmp/benchmarks/: the CI JSON of each suite (`ci/<suite>.json`) and its
 * figures with their raw samples (`latest/<suite>.samples.json`), optionally only those written since a given time —
 * so a script that started a run reads that run's suites and not older ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunFigures } from '../baseline/runFigures.ts';
import { benchmarkPaths } from '../report/benchmarkPaths.ts';
import type { CiReport } from '../report/ciJson.ts';
import { type RunSamples, readLatestSamples } from './runSamplesFile.ts';

export function readCiReports(outputDir: string, since?: Date): CiReport[] {
  const dir = benchmarkPaths(outputDir).ci;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const reports: CiReport[] = [];
  for (const name of names.sort()) {
    try {
      const report = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CiReport;
      if (since === undefined || new Date(report.timestamp) >= since) reports.push(report);
    } catch {
      // a half-written file: skip it
    }
  }
  return reports;
}

export function readRunSamples(outputDir: string, since?: Date): RunSamples[] {
  return Object.values(readLatestSamples(outputDir)).filter(
    (s) => since === undefined || new Date(s.timestamp) >= since,
  );
}

/** `<suite>/<name>` → figure with its samples: the shape baselines and `compareRun` use. */
export function figuresByKey(runs: readonly RunSamples[]): RunFigures {
  const byKey: RunFigures = {};
  for (const run of runs)
    for (const [name, figure] of Object.entries(run.figures)) {
      const samplesMs = run.benches[name];
      byKey[`${run.suite}/${name}`] = samplesMs?.length ? { ...figure, samplesMs } : figure;
    }
  return byKey;
}
