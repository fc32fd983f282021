/**
 * A stored run to compare against: `tmp/benchmarks/baselines/<name>.json`, written by
 * `pnpm bench --save-baseline <name>` and read by `pnpm bench --baseline <name>`. It keeps the raw
 * latency samples of every bench and latency record (significance tests need the distribution, not
 * a mean) and the environment they were measured in, keyed like the target registry.
 *
 * Why not Vitest's `writeResult` / `bench.from()`: those are opt-in per registration in the bench
 * code and store one bench per file; a baseline here is the whole run plus its environment, taken
 * without any bench having to ask for it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEnvironment } from '../report/environment.ts';
import { BaselineError } from './baselineError.ts';

export const BASELINE_FORMAT = 'tasker-baseline/1';

export interface BaselineRun {
  format: typeof BASELINE_FORMAT;
  name: string;
  savedAt: string;
  environment: RunEnvironment;
  /** `<suite>/<name>` → raw latency samples, ms */
  benches: Record<string, { samplesMs: number[] }>;
}

export function baselinePath(dir: string, name: string): string {
  if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) {
    throw new BaselineError(
      name,
      'is not a usable baseline name',
      'use letters, digits, ".", "_" and "-" only, e.g. main',
    );
  }
  return join(dir, `${name}.json`);
}

/** Writes atomically (temp file, then rename), so a run killed mid-write leaves no half file. */
export function saveBaseline(dir: string, run: BaselineRun): string {
  const file = baselinePath(dir, run.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.tmp`, `${JSON.stringify(run)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

export function loadBaseline(dir: string, name: string): BaselineRun {
  const file = baselinePath(dir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BaselineError(
      file,
      'cannot be read (does it exist?)',
      `save one first: pnpm bench --save-baseline ${name}`,
      {
        cause: error,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new BaselineError(
      file,
      `is not valid JSON (${detail})`,
      `delete it and save it again: pnpm bench --save-baseline ${name}`,
      {
        cause: error,
      },
    );
  }
  const problem = shapeProblem(data);
  if (problem) {
    throw new BaselineError(
      file,
      `is not a ${BASELINE_FORMAT} file: ${problem}`,
      `delete it and save it again: pnpm bench --save-baseline ${name}`,
    );
  }
  return data as BaselineRun;
}

function shapeProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return 'the top level is not an object';
  const run = data as Record<string, unknown>;
  if (run.format !== BASELINE_FORMAT) return `format is ${JSON.stringify(run.format)}`;
  if (typeof run.environment !== 'object' || run.environment === null) return 'environment is missing';
  if (typeof run.benches !== 'object' || run.benches === null) return 'benches is missing';
  for (const [key, bench] of Object.entries(run.benches)) {
    const samples = (bench as { samplesMs?: unknown } | null)?.samplesMs;
    if (!Array.isArray(samples) || samples.length === 0)
      return `benches["${key}"].samplesMs is not a non-empty array`;
    if (!samples.every((x) => typeof x === 'number' && Number.isFinite(x)))
      return `benches["${key}"].samplesMs holds a non-number`;
  }
  return undefined;
}
