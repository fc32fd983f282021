/**
 * Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` on a query and summarizes the plan; `recordQueryPlan`
 * also records it through the harness API (`record`), once per measured function, so the reports
 * show it beside the function's timings. EXPLAIN ANALYZE executes the query: by default it runs in a
 * transaction that is rolled back, so a plan of a state transition leaves the dataset as it was.
 * With SAVE_QUERY_PLANS=1 the plan JSON travels along and the reporter writes it to
 * tmp/benchmarks/plans/<suite>/<name>.json.
 */
import type pg from 'pg';
import type { RunnerTestCase } from 'vitest';
import { record } from '../record/record.ts';
import { type PlanSummary, type PlanSummaryOptions, summarizePlan } from './planSummary.ts';

export interface ExplainOptions extends PlanSummaryOptions {
  /** 'rollback' (default): BEGIN … ROLLBACK around the EXPLAIN; 'none': run on the client as is
   *  (when the caller already holds a transaction it wants to keep) */
  transaction?: 'rollback' | 'none';
  /** keep the raw plan in the summary (default: SAVE_QUERY_PLANS=1) */
  keepPlan?: boolean;
}

export async function explainQuery(
  client: pg.ClientBase,
  text: string,
  values: unknown[] = [],
  {
    transaction = 'rollback',
    keepPlan = process.env.SAVE_QUERY_PLANS === '1',
    ...summaryOptions
  }: ExplainOptions = {},
): Promise<PlanSummary> {
  const explain = `explain (analyze, buffers, format json) ${text}`;
  let rows: Array<{ 'QUERY PLAN': unknown }>;
  if (transaction === 'none') {
    ({ rows } = await client.query<{ 'QUERY PLAN': unknown }>(explain, values));
  } else {
    await client.query('begin');
    try {
      ({ rows } = await client.query<{ 'QUERY PLAN': unknown }>(explain, values));
    } finally {
      await client.query('rollback');
    }
  }
  const plan = rows[0]?.['QUERY PLAN'];
  const summary = summarizePlan(plan, summaryOptions);
  return keepPlan ? { ...summary, raw: plan } : summary;
}

/** EXPLAIN `text` and record the summary as `name` (use the measured function's bench name). */
export async function recordQueryPlan(
  task: RunnerTestCase,
  name: string,
  client: pg.ClientBase,
  text: string,
  values: unknown[] = [],
  options: ExplainOptions = {},
): Promise<PlanSummary> {
  const plan = await explainQuery(client, text, values, options);
  await record(task, name, { kind: 'plan', plan });
  return plan;
}
