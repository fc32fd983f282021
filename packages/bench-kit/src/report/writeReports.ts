/**
 * Writes a run's reports into a bench output directory (`tmp/benchmarks/`; the layout is
 * benchmarkPaths.ts's): each suite's dated log and `latest/<suite>.log` pointing at it (a relative
 * symlink where the file system has them, else a copy: `WrittenFiles.latestAs` says which),
 * `latest/summary.md`, `ci/<suite>.json` and, when SAVE_QUERY_PLANS=1, `plans/<suite>/<name>.json`.
 */
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { benchmarkPaths } from './benchmarkPaths.ts';
import { buildCiReport } from './ciJson.ts';
import type { RunEnvironment } from './environment.ts';
import { formatLog } from './formatLog.ts';
import { formatSummary } from './formatSummary.ts';
import type { SuiteReport } from './suiteReport.ts';

export interface WrittenFiles {
  logs: Record<string, string>;
  json: Record<string, string>;
  summary: string;
  plans: string[];
  /** how `latest/<suite>.log` points at the dated log */
  latestAs: 'symlink' | 'copy';
}

/** `2025-01-31_142501` from the run's timestamp (UTC), sortable and safe in file names. */
export function runStamp(timestamp: string): string {
  return timestamp.slice(0, 19).replace('T', '_').replace(/:/g, '');
}

export function writeReports(
  dir: string,
  reports: readonly SuiteReport[],
  env: RunEnvironment,
  { savePlans = process.env.SAVE_QUERY_PLANS === '1' }: { savePlans?: boolean } = {},
): WrittenFiles {
  const paths = benchmarkPaths(dir);
  const written: WrittenFiles = {
    logs: {},
    json: {},
    summary: paths.summary,
    plans: [],
    latestAs: 'symlink',
  };
  for (const sub of [paths.latest, paths.ci]) mkdirSync(sub, { recursive: true });
  for (const report of reports) {
    const { suite } = report.result;
    const log = paths.suiteLog(runStamp(env.timestamp), suite);
    writeFileSync(log, formatLog(report, env));
    if (pointLatestAt(log, paths.latestLog(suite)) === 'copy') written.latestAs = 'copy';
    written.logs[suite] = log;
    const json = paths.ciJson(suite);
    writeFileSync(json, `${JSON.stringify(buildCiReport(report, env), null, 2)}\n`);
    written.json[suite] = json;
    if (savePlans) {
      for (const entry of report.result.records) {
        if (entry.measurement.kind !== 'plan' || entry.measurement.plan.raw === undefined) continue;
        const planDir = paths.plans(suite);
        mkdirSync(planDir, { recursive: true });
        const file = join(planDir, `${entry.name.replace(/[^\w.-]+/g, '_')}.json`);
        writeFileSync(file, `${JSON.stringify(entry.measurement.plan.raw, null, 2)}\n`);
        written.plans.push(file);
      }
    }
  }
  writeFileSync(written.summary, formatSummary(reports, env));
  return written;
}

/**
 * Makes `latest` point at `log`: a relative symlink (`../<date>-<suite>.log`, so the directory can
 * move), or a copy where symlinks are refused (Windows without the privilege, some mounted shares).
 * An older entry — a link or a copy from an earlier run — is replaced. (`link` is the symlink call,
 * replaceable so a test can refuse it as such a file system does.)
 */
export function pointLatestAt(
  log: string,
  latest: string,
  link: (target: string, path: string) => void = symlinkSync,
): 'symlink' | 'copy' {
  rmSync(latest, { force: true });
  try {
    link(relative(dirname(latest), log), latest);
    return 'symlink';
  } catch {
    copyFileSync(log, latest);
    return 'copy';
  }
}

export function shortPath(file: string, root: string): string {
  return relative(root, file) || file;
}
