/**
 * Writes a run's reports under `tmp/benchmarks/` (TASKER_TMP_DIR moves `tmp/`):
 *   <date>-<suite>.log      markdown log of each suite, kept per run
 *   latest/<suite>.log      points at the newest dated log of each suite: a relative symlink where
 *                           the file system has them, else a copy (`WrittenFiles.latestAs` says which)
 *   latest/summary.md       every suite of the run on one page
 *   ci/<suite>.json         machine-readable results (docs/benchmark-results.schema.json)
 *   plans/<suite>/<name>.json  query plans, when SAVE_QUERY_PLANS=1
 */
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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
  const written: WrittenFiles = {
    logs: {},
    json: {},
    summary: join(dir, 'latest', 'summary.md'),
    plans: [],
    latestAs: 'symlink',
  };
  for (const sub of ['latest', 'ci']) mkdirSync(join(dir, sub), { recursive: true });
  for (const report of reports) {
    const { suite } = report.result;
    const log = join(dir, `${runStamp(env.timestamp)}-${suite}.log`);
    writeFileSync(log, formatLog(report, env));
    if (pointLatestAt(log, join(dir, 'latest', `${suite}.log`)) === 'copy') written.latestAs = 'copy';
    written.logs[suite] = log;
    const json = join(dir, 'ci', `${suite}.json`);
    writeFileSync(json, `${JSON.stringify(buildCiReport(report, env), null, 2)}\n`);
    written.json[suite] = json;
    if (savePlans) {
      for (const entry of report.result.records) {
        if (entry.measurement.kind !== 'plan' || entry.measurement.plan.raw === undefined) continue;
        const planDir = join(dir, 'plans', suite);
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
