/**
 * The cost meter's figures per unit of work, recorded as the harness's `value` measurements (one
 * figure each, lower is better), so the reporter, the CI JSON, baselines and the HTML report show,
 * compare and chart them as they do every other figure. For `label` "tasker" and unit "step":
 *
 *   tasker: CPU ms per step              PostgreSQL + system (only when both were measured)
 *   tasker: CPU ms per step (PostgreSQL)
 *   tasker: CPU ms per step (system)
 *   tasker: statements per step
 *   tasker: commits per step
 *   tasker: WAL bytes per step
 *
 * A figure the meter could not read is not recorded: its reason is, as context
 * (`tasker: PostgreSQL CPU` → "unavailable"), so no report shows a number that was not measured.
 */
import type { RunnerTestCase } from 'vitest';
import { record } from '../record/record.ts';
import { recordContext } from '../record/recordContext.ts';
import { COST_NAMES } from '../targets/benchNames.ts';
import type { CostCount, CostFigures } from './costMeter.ts';

export type CostUnit = 'step' | 'job';

/** The figures divided by `count`; undefined where the meter could not read one. */
export interface CostPerUnit {
  unit: CostUnit;
  count: number;
  cpuMs: { postgres?: number; system?: number; total?: number };
  statements?: number;
  commits?: number;
  walBytes: number;
}

/** Two metered windows of one run as one (e.g. creating the work, then draining it). */
export function addCosts(a: CostFigures, b: CostFigures): CostFigures {
  const add = (x: CostCount, y: CostCount): CostCount => {
    if (x.state !== 'measured') return x;
    if (y.state !== 'measured') return y;
    return { state: 'measured', value: x.value + y.value };
  };
  return {
    durationMs: a.durationMs + b.durationMs,
    cpuMs: { postgres: add(a.cpuMs.postgres, b.cpuMs.postgres), system: add(a.cpuMs.system, b.cpuMs.system) },
    statements: add(a.statements, b.statements),
    commits: add(a.commits, b.commits),
    walBytes: a.walBytes + b.walBytes,
  };
}

export function costPerUnit(figures: CostFigures, count: number, unit: CostUnit): CostPerUnit {
  if (!Number.isInteger(count) || count < 1)
    throw new TypeError(`costPerUnit: count must be an integer ≥ 1, got ${count}`);
  const per = (c: CostCount) => (c.state === 'measured' ? c.value / count : undefined);
  const postgres = per(figures.cpuMs.postgres);
  const system = per(figures.cpuMs.system);
  return {
    unit,
    count,
    cpuMs: {
      ...(postgres === undefined ? {} : { postgres }),
      ...(system === undefined ? {} : { system }),
      ...(postgres === undefined || system === undefined ? {} : { total: postgres + system }),
    },
    ...(figures.statements.state === 'measured' ? { statements: figures.statements.value / count } : {}),
    ...(figures.commits.state === 'measured' ? { commits: figures.commits.value / count } : {}),
    walBytes: figures.walBytes / count,
  };
}

/**
 * Records `figures` per `unit` under `label` (see above) and returns them. `note` says what the
 * window held (e.g. "500 one-step tasks created, then drained"); each figure adds what it counts.
 */
export async function recordCost(
  task: RunnerTestCase,
  label: string,
  figures: CostFigures,
  { count, unit, note }: { count: number; unit: CostUnit; note?: string },
): Promise<CostPerUnit> {
  const per = costPerUnit(figures, count, unit);
  const over = `${note ? `${note}; ` : ''}${count} ${unit}s over ${(figures.durationMs / 1000).toFixed(1)} s`;
  const value = async (
    what: string,
    perUnit: number | undefined,
    figureUnit: string,
    counts: string,
    part = '',
  ) => {
    if (perUnit === undefined) return;
    await record(task, `${COST_NAMES.perUnit({ subject: label, what, unit })}${part}`, {
      kind: 'value',
      value: perUnit,
      unit: `${figureUnit}/${unit}`,
      better: 'lower',
      note: `${counts}; ${over}`,
    });
  };
  const unavailable = async (what: string, count: CostCount) => {
    if (count.state === 'unavailable')
      await recordContext(task, `${label}: ${what}`, 'unavailable', count.reason);
  };
  await value(
    'CPU ms',
    per.cpuMs.total,
    'ms',
    'user + system CPU of the PostgreSQL server and of the system',
  );
  await value(
    'CPU ms',
    per.cpuMs.postgres,
    'ms',
    "the PostgreSQL server's processes (every backend and background process, all databases)",
    ' (PostgreSQL)',
  );
  await value(
    'CPU ms',
    per.cpuMs.system,
    'ms',
    'the system under test: this whole process (every thread) and the processes it was told of',
    ' (system)',
  );
  await value(
    'statements',
    per.statements,
    'statements',
    "top-level statements in the bench's database (pg_stat_statements calls; utility statements such as BEGIN/COMMIT only where track_utility is on)",
  );
  await value(
    'commits',
    per.commits,
    'commits',
    'transaction ids assigned and committed, server-wide: write transactions and subtransactions that wrote; read-only transactions take none',
  );
  await value('WAL bytes', per.walBytes, 'bytes', 'WAL inserted, server-wide');
  await unavailable('PostgreSQL CPU', figures.cpuMs.postgres);
  await unavailable('system CPU', figures.cpuMs.system);
  await unavailable('statements', figures.statements);
  await unavailable('commits', figures.commits);
  return per;
}
