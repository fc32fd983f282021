/**
 * A stored run to compare against: `tmp/benchmarks/baselines/<name>.json`, written by
 * `pnpm bench --save-baseline <name>` and read by `pnpm bench --baseline <name>`. It keeps every
 * figure of the run (runFigures.ts: latency with its raw samples, since significance tests need the
 * distribution, not a mean; throughput, growth, bytes, breakdown totals and values with their unit
 * and better direction) and the environment they were measured in, keyed like the target registry.
 *
 * Format 2 (`tasker-baseline/2`) replaced format 1, which kept latency samples only, under
 * `benches`. A format-1 file is refused with what to do; `bench:ab` alone reads one
 * (`legacy: 'latency-only'`), since the base side of an A/B run may predate format 2.
 *
 * Why not Vitest's `writeResult` / `bench.from()`: those are opt-in per registration in the bench
 * code and store one bench per file; a baseline here is the whole run plus its environment, taken
 * without any bench having to ask for it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEnvironment } from '../report/environment.ts';
import { median } from '../stats/median.ts';
import { BaselineError } from './baselineError.ts';
import { figureProblem, type RunFigures } from './runFigures.ts';

export const BASELINE_FORMAT = 'tasker-baseline/2';
const LEGACY_FORMAT = 'tasker-baseline/1';

export interface BaselineRun {
  format: typeof BASELINE_FORMAT;
  name: string;
  savedAt: string;
  environment: RunEnvironment;
  /** `<suite>/<name>` → every figure of the run */
  figures: RunFigures;
}

export interface LoadOptions {
  /** read a format-1 file as latency figures (bench:ab's base side may be an older commit) */
  legacy?: 'refuse' | 'latency-only';
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

export function loadBaseline(
  dir: string,
  name: string,
  { legacy = 'refuse' }: LoadOptions = {},
): BaselineRun {
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
  if (isObject(data) && data.format === LEGACY_FORMAT) {
    if (legacy === 'latency-only') return fromLegacy(file, name, data);
    throw new BaselineError(
      file,
      `is a ${LEGACY_FORMAT} file, which kept latency samples only; this harness reads ${BASELINE_FORMAT}, which keeps every figure`,
      `save it again with this checkout: pnpm bench --save-baseline ${name}`,
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

function isObject(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function shapeProblem(data: unknown): string | undefined {
  if (!isObject(data)) return 'the top level is not an object';
  if (data.format !== BASELINE_FORMAT) return `format is ${JSON.stringify(data.format)}`;
  if (!isObject(data.environment)) return 'environment is missing';
  if (!isObject(data.figures)) return 'figures is missing';
  for (const [key, figure] of Object.entries(data.figures)) {
    const problem = figureProblem(figure);
    if (problem) return `figures["${key}"] ${problem}`;
  }
  return undefined;
}

/** A format-1 run as format 2: each entry's samples become a latency figure. */
function fromLegacy(file: string, name: string, data: Record<string, unknown>): BaselineRun {
  const figures: RunFigures = {};
  const benches = isObject(data.benches) ? data.benches : {};
  for (const [key, bench] of Object.entries(benches)) {
    const samplesMs = isObject(bench) ? bench.samplesMs : undefined;
    if (!Array.isArray(samplesMs) || samplesMs.length === 0 || !samplesMs.every(Number.isFinite))
      throw new BaselineError(
        file,
        `is not a ${LEGACY_FORMAT} file: benches["${key}"].samplesMs is not a non-empty array of numbers`,
        `delete it and save it again: pnpm bench --save-baseline ${name}`,
      );
    figures[key] = { kind: 'latency', unit: 'ms', better: 'lower', value: median(samplesMs), samplesMs };
  }
  return {
    format: BASELINE_FORMAT,
    name: typeof data.name === 'string' ? data.name : name,
    savedAt: typeof data.savedAt === 'string' ? data.savedAt : '',
    environment: data.environment as RunEnvironment,
    figures,
  };
}
