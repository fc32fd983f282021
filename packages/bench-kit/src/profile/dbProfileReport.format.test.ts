import { expect, test } from 'vitest';
import { cloneLabel } from '../provision/runDatabases.ts';
import type { LoggedPlan } from './autoExplainLog.ts';
import { buildDbProfileReport, formatDbProfile } from './dbProfileReport.ts';
import type { StatementStat } from './statementStats.ts';
import type { WaitSamples } from './waitSampler.ts';

const RUN = 'ab12cd34';
const A = `tasker_${RUN}_throughput_bench_0a1b2c`;
const B = `tasker_${RUN}_pgmq_bench_3d4e5f`;

const stat = (
  dbid: number,
  query: string,
  calls: number,
  totalMs: number,
  toplevel = true,
): StatementStat => ({
  dbid,
  toplevel,
  queryid: query,
  query,
  calls,
  totalMs,
  meanMs: totalMs / calls,
  rows: calls,
  sharedBlocksHit: 100,
  sharedBlocksRead: 2,
});

const samples: WaitSamples = {
  ticks: 200,
  durationMs: 3_000,
  intervalMs: 15,
  errors: 0,
  databases: new Map([
    [1, A],
    [2, B],
  ]),
  counts: [
    {
      database: A,
      state: 'active',
      wait: 'Lock:object',
      query: 'select tasker.submit_step_result($1,',
      samples: 30,
    },
    { database: A, state: 'active', wait: 'CPU', query: 'select tasker.submit_step_result($1,', samples: 10 },
    { database: B, state: 'idle in transaction', wait: 'Client:ClientRead', query: 'begin', samples: 10 },
  ],
};

const plan = (database: string | undefined, durationMs: number, queryText: string): LoggedPlan => ({
  pid: 1,
  database,
  durationMs,
  queryText,
  plan: { 'Node Type': 'Result', 'Actual Rows': 1, 'Actual Loops': 1 },
});

const input = {
  server: 'embedded PostgreSQL on 127.0.0.1:1',
  settings: ['pg_stat_statements.track = all'],
  notes: [],
  statements: [
    stat(1, 'select tasker.submit_step_result($1, $2)', 400, 200),
    stat(1, 'update tasker.workflow_steps set …', 400, 150, false),
    stat(2, 'select tasker.submit_step_result($1, $2)', 100, 100),
    stat(2, 'select pgmq.send($1, $2)', 1_000, 30),
  ],
  samples,
  log: {
    plans: [
      plan(A, 12, 'select tasker.submit_step_result(1, 2)'),
      plan(A, 8, 'select tasker.submit_step_result(1, 2)'),
    ],
    unreadable: 1,
  },
  labelOf: (database: string) => cloneLabel(RUN, database),
};

test('sections: the whole run first, then one per bench file, each with its own statements, waits and plans', () => {
  const report = buildDbProfileReport(input);
  expect(report.sections.map((s) => s.title)).toEqual(['whole run', 'pgmq_bench', 'throughput_bench']);
  const [whole, pgmq, throughput] = report.sections;
  // the same statement in two files' databases is one row of the run: 500 calls, 300 ms
  expect(whole?.statements[0]).toMatchObject({ calls: 500, totalMs: 300, meanMs: 0.6 });
  // nested rows are listed but not added to the database's time
  expect(whole?.toplevelMs).toBe(330);
  expect(throughput?.toplevelMs).toBe(200);
  expect(pgmq?.statements.map((s) => s.query)).toEqual([
    'select tasker.submit_step_result($1, $2)',
    'select pgmq.send($1, $2)',
  ]);
  expect(throughput?.backendSamples).toBe(40);
  expect(whole?.backendSamples).toBe(50);
  expect(throughput?.slowStatements).toMatchObject([{ calls: 2, totalMs: 20, maxMs: 12 }]);
  expect(pgmq?.slowCalls).toBe(0);
  expect(report.unreadablePlans).toBe(1);
});

test('the markdown names the top statements, the wait shares and the slowest plan', () => {
  const markdown = formatDbProfile(buildDbProfileReport(input));
  expect(markdown).toContain('## throughput_bench');
  expect(markdown).toContain(
    '| 1 | 400 | 200 | 0.500 | 400 | 100 | 2 | top | `select tasker.submit_step_result($1, $2)` |',
  );
  expect(markdown).toContain(
    '| 2 | 400 | 150 | 0.375 | 400 | 100 | 2 | nested | `update tasker.workflow_steps set …` |',
  );
  // 30 of throughput's 40 samples waited on the NOTIFY commit lock
  expect(markdown).toContain('Lock:object 75.0% · CPU 25.0%');
  expect(markdown).toContain(
    '| 75.0% ███████████████ | 30 | active | Lock:object | `select tasker.submit_step_result($1,` |',
  );
  expect(markdown).toContain(
    '1. 2 call(s), total 20.0 ms, slowest 12.0 ms — `select tasker.submit_step_result(1, 2)`',
  );
  expect(markdown).toContain('   Result  rows=1×1');
  expect(markdown).toContain('1 logged plan(s) could not be parsed');
});

test('without the server log the plans section says so instead of "none"', () => {
  const report = buildDbProfileReport({ ...input, log: undefined, notes: ["plans need the server's log"] });
  expect(report.sections.every((s) => s.slowStatements === undefined)).toBe(true);
  const markdown = formatDbProfile(report);
  expect(markdown).toContain("not available: plans need the server's log");
  expect(markdown).toContain("- ⚠️ plans need the server's log");
  expect(markdown).not.toContain('\nnone\n');
});

test('cloneLabel reads the bench file back out of a clone name', () => {
  expect(cloneLabel(RUN, A)).toBe('throughput_bench');
  expect(cloneLabel(RUN, `tasker_${RUN}_tpl`)).toBe('tpl');
  expect(cloneLabel(RUN, 'postgres')).toBe('postgres');
});
