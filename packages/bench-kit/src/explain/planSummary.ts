/**
 * Reads a plan from `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` into what a report shows: execution and
 * planning time, where the time goes by node type (self time: a node's own time without its
 * children's), sequential scans that touched large relations (a warning each), and the shared-buffer
 * hit ratio. Pure, so it is tested on stored plans.
 */

export interface PlanSummary {
  executionMs: number;
  planningMs: number;
  /** node types by self time, largest first (at most 5) */
  topNodeTypes: Array<{ nodeType: string; selfMs: number; count: number }>;
  /** every Seq Scan with the rows it touched: (rows returned + rows removed by filter) × loops */
  seqScans: Array<{ relation: string; rowsTouched: number }>;
  /** e.g. "Seq Scan on tasker.tasks touched 50,000 rows (> 10,000)" */
  warnings: string[];
  /** shared hit / (hit + read) over the whole plan; undefined when no buffer was touched */
  bufferHitRatio: number | undefined;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
  /** the plan itself, kept only when SAVE_QUERY_PLANS=1 so the reporter can write it */
  raw?: unknown;
}

export interface PlanSummaryOptions {
  /** a Seq Scan touching more rows than this is flagged (default 10,000) */
  largeTableRows?: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface ExplainOutput {
  Plan: PlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
}

export function summarizePlan(
  explainJson: unknown,
  { largeTableRows = 10_000 }: PlanSummaryOptions = {},
): PlanSummary {
  const output = (Array.isArray(explainJson) ? explainJson[0] : explainJson) as ExplainOutput | undefined;
  if (!output?.Plan?.['Node Type']) {
    throw new TypeError('not the output of EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON): no Plan node');
  }
  const byType = new Map<string, { selfMs: number; count: number }>();
  const seqScans: PlanSummary['seqScans'] = [];

  const visit = (node: PlanNode): void => {
    const loops = node['Actual Loops'] ?? 1;
    const total = (node['Actual Total Time'] ?? 0) * loops;
    const children = node.Plans ?? [];
    const childTime = children.reduce(
      (sum, c) => sum + (c['Actual Total Time'] ?? 0) * (c['Actual Loops'] ?? 1),
      0,
    );
    const entry = byType.get(node['Node Type']) ?? { selfMs: 0, count: 0 };
    entry.selfMs += Math.max(0, total - childTime);
    entry.count++;
    byType.set(node['Node Type'], entry);
    if (node['Node Type'] === 'Seq Scan') {
      const relation = [node.Schema, node['Relation Name']].filter(Boolean).join('.') || '?';
      seqScans.push({
        relation,
        rowsTouched: ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * loops,
      });
    }
    for (const child of children) visit(child);
  };
  visit(output.Plan);

  const hit = output.Plan['Shared Hit Blocks'] ?? 0;
  const read = output.Plan['Shared Read Blocks'] ?? 0;
  return {
    executionMs: output['Execution Time'] ?? 0,
    planningMs: output['Planning Time'] ?? 0,
    topNodeTypes: [...byType]
      .map(([nodeType, { selfMs, count }]) => ({ nodeType, selfMs, count }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 5),
    seqScans,
    warnings: seqScans
      .filter((scan) => scan.rowsTouched > largeTableRows)
      .map(
        (scan) =>
          `Seq Scan on ${scan.relation} touched ${scan.rowsTouched.toLocaleString('en-US')} rows (> ${largeTableRows.toLocaleString('en-US')})`,
      ),
    bufferHitRatio: hit + read === 0 ? undefined : hit / (hit + read),
    sharedHitBlocks: hit,
    sharedReadBlocks: read,
  };
}
