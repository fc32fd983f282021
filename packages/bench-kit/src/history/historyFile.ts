/**
 * The bench history: one JSON line per bench (and per latency record) per run, appended by the
 * reporter to `tmp/benchmarks/history.jsonl` (TASKER_BENCH_HISTORY moves it). JSON Lines, so a run
 * appends without reading the file, and a half-written last line (a killed run) costs one line,
 * which `readHistory` skips. The HTML report draws its trend charts from it.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunEnvironment } from '../report/environment.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import type { SampleSummary } from '../stats/summarizeSamples.ts';

export interface HistoryLine {
  timestamp: string;
  commit: string;
  suite: string;
  name: string;
  /** ms; null when the run kept no samples for it */
  median: number | null;
  p95: number | null;
  p99: number | null;
  samples: number;
  environment: {
    provider: string;
    postgres: string;
    pgmq: string;
    node: string;
    os: string;
    cpu: string;
    cpuCount: number;
    profile: string;
  };
}

export function historyPath(outputDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.TASKER_BENCH_HISTORY?.trim() || join(outputDir, 'history.jsonl');
}

export function historyLines(suites: readonly SuiteResult[], env: RunEnvironment): HistoryLine[] {
  const environment: HistoryLine['environment'] = {
    provider: env.db.provider,
    postgres: env.db.postgresVersion,
    pgmq: env.db.pgmq,
    node: env.node,
    os: env.os,
    cpu: env.cpu.model,
    cpuCount: env.cpu.count,
    profile: env.profile,
  };
  const line = (suite: string, name: string, s: SampleSummary | undefined): HistoryLine => ({
    timestamp: env.timestamp,
    commit: env.commit,
    suite,
    name,
    median: s?.p50 ?? null,
    p95: s?.p95 ?? null,
    p99: s?.p99 ?? null,
    samples: s?.samplesCount ?? 0,
    environment,
  });
  const lines: HistoryLine[] = [];
  for (const suite of suites) {
    for (const bench of suite.benches) {
      if (!bench.fromStore) lines.push(line(suite.suite, bench.name, bench.summary));
    }
    for (const entry of suite.records) {
      if (entry.summary) lines.push(line(suite.suite, entry.name, entry.summary));
    }
  }
  return lines;
}

export function appendHistory(file: string, lines: readonly HistoryLine[]): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** Every well-formed line of the file, oldest first; a missing file is an empty history. */
export function readHistory(file: string): HistoryLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: HistoryLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const parsed = JSON.parse(raw) as Partial<HistoryLine>;
      if (typeof parsed.suite === 'string' && typeof parsed.name === 'string' && parsed.timestamp)
        lines.push(parsed as HistoryLine);
    } catch {
      // a line cut short by a killed run: skip it
    }
  }
  return lines;
}
