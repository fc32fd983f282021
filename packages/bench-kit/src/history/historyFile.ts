/**
 * The bench history: one JSON line per figure (runFigures.ts: every bench and recorded measurement)
 * per run, appended by the reporter to `tmp/benchmarks/history.jsonl` (TASKER_BENCH_HISTORY moves
 * it). JSON Lines, so a run appends without reading the file, and a half-written last line (a killed
 * run) costs one line, which `readHistory` skips. The HTML report draws its trend charts from it;
 * `bench:ci` compares each figure of its run with the earlier runs (compareWithHistory.ts).
 *
 * Lines written before every figure was kept have no `kind`, `unit`, `better` or `value`: they are
 * latency lines, read back with their median as the value (and skipped without one).
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Better, type FigureKind, runFigures } from '../baseline/runFigures.ts';
import type { RunEnvironment } from '../report/environment.ts';
import type { SuiteResult } from '../report/suiteResult.ts';
import type { SampleSummary } from '../stats/summarizeSamples.ts';
import { targetRegistry } from '../targets/registry.ts';
import { type TargetRegistry, targetKey } from '../targets/target.ts';

export interface HistoryLine {
  timestamp: string;
  commit: string;
  suite: string;
  name: string;
  kind: FigureKind;
  unit: string;
  better: Better | null;
  /** the figure's one number (runFigures.ts): for latency the median */
  value: number;
  /** latency only, ms; null when the run kept no samples for it or for another kind */
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

export function historyLines(
  suites: readonly SuiteResult[],
  env: RunEnvironment,
  registry: TargetRegistry = targetRegistry,
): HistoryLine[] {
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
  const lines: HistoryLine[] = [];
  for (const suite of suites) {
    const summaries = new Map<string, SampleSummary>();
    for (const bench of suite.benches) summaries.set(bench.name, bench.summary);
    for (const entry of suite.records) if (entry.summary) summaries.set(entry.name, entry.summary);
    const figures = runFigures([suite], registry);
    for (const name of [...suite.benches.map((b) => b.name), ...suite.records.map((r) => r.name)]) {
      const figure = figures[targetKey(suite.suite, name)];
      if (!figure) continue;
      const s = figure.kind === 'latency' ? summaries.get(name) : undefined;
      lines.push({
        timestamp: env.timestamp,
        commit: env.commit,
        suite: suite.suite,
        name,
        kind: figure.kind,
        unit: figure.unit,
        better: figure.better,
        value: figure.value,
        median: s?.p50 ?? null,
        p95: s?.p95 ?? null,
        p99: s?.p99 ?? null,
        samples: s?.samplesCount ?? 0,
        environment,
      });
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
      if (typeof parsed.suite !== 'string' || typeof parsed.name !== 'string' || !parsed.timestamp) continue;
      if (typeof parsed.value === 'number' && typeof parsed.kind === 'string')
        lines.push(parsed as HistoryLine);
      else if (typeof parsed.median === 'number')
        lines.push({
          ...parsed,
          kind: 'latency',
          unit: 'ms',
          better: 'lower',
          value: parsed.median,
        } as HistoryLine);
    } catch {
      // a line cut short by a killed run: skip it
    }
  }
  return lines;
}
