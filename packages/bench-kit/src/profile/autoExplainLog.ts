/**
 * Reads auto_explain's plans out of a PostgreSQL server log written to stderr, for
 * `bench:profile --db`. With `auto_explain.log_format = json` each slow call is one log message:
 *
 *   2026-12-01 10:00:00.123 UTC [4242] db=tasker_ab12_throughput_bench_1f2e3d LOG:  duration: 12.345 ms  plan:
 *   	{
 *   	  "Query Text": "select …",
 *   	  "Plan": { "Node Type": "Result", … }
 *   	}
 *
 * (the server puts a tab before every continuation line of a message). `db=%d` is in the
 * `log_line_prefix` the profile sets; without it the plan's database is unknown. Backends write
 * to stderr without a collector, so a message longer than a pipe's atomic write can be interleaved
 * with another's; such a plan does not parse and is counted, not guessed at.
 */
import { summarizePlan } from '../explain/planSummary.ts';

const PLAN_HEADER = /\[(\d+)\] (?:db=(\S*) )?LOG: {2}duration: ([\d.]+) ms {2}plan:\s*$/;

export interface LoggedPlan {
  pid: number;
  /** the database, when the log line prefix names it (`db=%d`) */
  database: string | undefined;
  durationMs: number;
  /** the statement as run (constants, not $n) */
  queryText: string;
  /** the `Plan` object of EXPLAIN's JSON */
  plan: PlanNode;
}

export interface ParsedLog {
  plans: LoggedPlan[];
  /** plan messages whose JSON did not parse (interleaved or cut off) */
  unreadable: number;
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Function Name'?: string;
  Alias?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export function parseAutoExplainLog(text: string): ParsedLog {
  const lines = text.split('\n');
  const plans: LoggedPlan[] = [];
  let unreadable = 0;
  for (let i = 0; i < lines.length; i++) {
    const header = PLAN_HEADER.exec(lines[i] as string);
    if (!header) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1] as string).startsWith('\t'))
      body.push((lines[++i] as string).slice(1));
    let parsed: { 'Query Text'?: unknown; Plan?: PlanNode };
    try {
      parsed = JSON.parse(body.join('\n'));
    } catch {
      unreadable++;
      continue;
    }
    if (typeof parsed['Query Text'] !== 'string' || typeof parsed.Plan?.['Node Type'] !== 'string') {
      unreadable++;
      continue;
    }
    plans.push({
      pid: Number(header[1]),
      database: header[2] || undefined,
      durationMs: Number(header[3]),
      queryText: parsed['Query Text'],
      plan: parsed.Plan,
    });
  }
  return { plans, unreadable };
}

/** The slow calls of one statement text: how many were logged, their time, the slowest's plan. */
export interface SlowStatement {
  /** the statement's text, whitespace collapsed, first 300 characters; `(no text logged) <top node>`
   *  where auto_explain logged an empty text */
  query: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  slowest: LoggedPlan;
}

/** Groups plans by statement text (constants included: auto_explain logs the text as run). */
export function groupSlowStatements(plans: readonly LoggedPlan[]): SlowStatement[] {
  const groups = new Map<string, SlowStatement>();
  for (const plan of plans) {
    // a statement run from inside some functions is logged with an empty text: name it by its plan
    const text = plan.queryText.replace(/\s+/g, ' ').trim().slice(0, 300);
    const query = text || `(no text logged) ${planOutline(plan.plan, 1)[0]?.replace(/ {2}rows=.*$/, '')}`;
    const group = groups.get(query);
    if (!group) {
      groups.set(query, { query, calls: 1, totalMs: plan.durationMs, maxMs: plan.durationMs, slowest: plan });
      continue;
    }
    group.calls++;
    group.totalMs += plan.durationMs;
    if (plan.durationMs > group.maxMs) {
      group.maxMs = plan.durationMs;
      group.slowest = plan;
    }
  }
  return [...groups.values()].sort((a, b) => b.totalMs - a.totalMs);
}

/**
 * A plan as indented lines, one per node: type, what it reads, rows × loops (actual; no times, as
 * `log_timing = off`), shared blocks hit/read where buffers were logged; at most `maxLines` nodes.
 * Large sequential scans are flagged as `recordQueryPlan` flags them (explain/planSummary.ts).
 */
export function planOutline(plan: PlanNode, maxLines = 25): string[] {
  const lines: string[] = [];
  let omitted = 0;
  const visit = (node: PlanNode, depth: number): void => {
    if (lines.length >= maxLines) {
      omitted++;
    } else {
      const target = node['Index Name']
        ? ` using ${node['Index Name']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`
        : node['Relation Name']
          ? ` on ${node['Relation Name']}`
          : node['Function Name']
            ? ` ${node['Function Name']}()`
            : '';
      const rows =
        node['Actual Rows'] === undefined ? '' : `  rows=${node['Actual Rows']}×${node['Actual Loops'] ?? 1}`;
      const hit = node['Shared Hit Blocks'];
      const read = node['Shared Read Blocks'];
      const blocks = hit === undefined && read === undefined ? '' : `  hit=${hit ?? 0} read=${read ?? 0}`;
      lines.push(
        `${'  '.repeat(depth)}${depth > 0 ? '→ ' : ''}${node['Node Type']}${target}${rows}${blocks}`,
      );
    }
    for (const child of node.Plans ?? []) visit(child, depth + 1);
  };
  visit(plan, 0);
  if (omitted > 0) lines.push(`… ${omitted} more node(s)`);
  for (const warning of summarizePlan({ Plan: plan }).warnings) lines.push(`⚠️ ${warning}`);
  return lines;
}
