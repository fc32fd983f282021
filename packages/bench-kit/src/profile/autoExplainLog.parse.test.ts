import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, inject, test } from 'vitest';
import { useTestDatabase } from '../provision/testDatabase.ts';
import { groupSlowStatements, type LoggedPlan, parseAutoExplainLog, planOutline } from './autoExplainLog.ts';

const db = useTestDatabase();
const { serverLog, provider } = inject('tasker');

// The plans test reads auto_explain's output from the server's log file, which only the embedded
// server (started by this harness, logging to tmp/embedded-pg/) hands over; a DATABASE_URL or
// container server keeps its log out of reach, so there it cannot run. On the embedded server —
// every CI run and this machine — it must: the next test fails if the log went missing.
test('the embedded server hands its log over, so the plans test below runs', () => {
  if (provider === 'embedded') expect(serverLog).toEqual(expect.stringContaining('embedded-pg'));
  else expect(serverLog).toBeUndefined();
});

/** Polls the server log until `marker` has appeared `times` times (stderr reaches the file through Vitest's main process). */
async function logWith(marker: string, times: number): Promise<string> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const text = readFileSync(serverLog as string, 'utf8');
    if (text.split(marker).length - 1 >= times) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server log never showed ${marker} ${times} times`);
}

// skipped only where the server's log is out of reach (see above)
test.skipIf(serverLog === undefined)(
  'the plans auto_explain logs for a slow call and a slow statement nested in a function are read back',
  async () => {
    const marker = `ae_${randomBytes(4).toString('hex')}`;
    const client = await db.pool.connect();
    try {
      await client.query(`create function ${marker}_nested() returns void language plpgsql as $$
        begin perform pg_sleep(0.03); end $$`);
      for (const setting of [
        'auto_explain.log_min_duration = 20',
        'auto_explain.log_format = json',
        'auto_explain.log_analyze = on',
        'auto_explain.log_timing = off',
        'auto_explain.log_buffers = on',
        'auto_explain.log_nested_statements = on',
      ])
        await client.query(`set ${setting}`);
      await client.query(`select pg_sleep(0.04), '${marker}' as marker`);
      await client.query(`select ${marker}_nested()`);
      await client.query(`select '${marker}' as fast`); // under the threshold: not logged
      await client.query('reset all');
    } finally {
      client.release();
    }
    // the top-level sleep's text, and the function call (the nested statement's text has no marker)
    const { plans, unreadable } = parseAutoExplainLog(await logWith(marker, 3));
    expect(unreadable).toBe(0);
    const sleep = plans.find((p) => p.queryText.includes(`'${marker}' as marker`));
    expect(sleep?.durationMs).toBeGreaterThanOrEqual(40);
    expect(sleep?.plan['Node Type']).toBe('Result');
    expect(sleep?.plan['Actual Rows']).toBe(1);
    expect(plans.some((p) => p.queryText.includes(`'${marker}' as fast`))).toBe(false);

    const call = plans.find((p) => p.queryText === `select ${marker}_nested()`);
    expect(call?.durationMs).toBeGreaterThanOrEqual(30);
    // logged before its caller, by the same backend: the statement inside the function
    const nested = plans.find(
      (p) =>
        p.pid === call?.pid && /^SELECT pg_sleep\(0\.03\)$/i.test(p.queryText.trim()) && p.durationMs >= 30,
    );
    expect(nested).toBeDefined();
    expect(plans.indexOf(nested as LoggedPlan)).toBeLessThan(plans.indexOf(call as LoggedPlan));
  },
);

const header = (pid: number, db: string, ms: number) =>
  `2026-12-01 10:00:00.123 UTC [${pid}] db=${db} LOG:  duration: ${ms.toFixed(3)} ms  plan:`;
const body = (query: string, plan: object) =>
  JSON.stringify({ 'Query Text': query, Plan: plan }, null, 2)
    .split('\n')
    .map((line) => `\t${line}`);

test('a plan cut by another backend’s line is counted as unreadable; the database comes from db=%d', () => {
  const scan = {
    'Node Type': 'Seq Scan',
    'Relation Name': 'tasks',
    'Actual Rows': 20_000,
    'Actual Loops': 1,
  };
  const whole = body('select * from tasks', scan);
  const text = [
    header(11, 'tasker_ab_x_bench_0a0b0c', 12.5),
    ...whole,
    header(12, 'tasker_ab_x_bench_0a0b0c', 30),
    ...whole.slice(0, 3),
    '2026-12-01 10:00:00.200 UTC [13] db=other LOG:  checkpoint starting: time',
    ...whole.slice(3),
    header(14, '', 7),
    ...whole,
  ].join('\n');
  const { plans, unreadable } = parseAutoExplainLog(text);
  expect(unreadable).toBe(1);
  expect(plans.map((p) => [p.pid, p.database, p.durationMs])).toEqual([
    [11, 'tasker_ab_x_bench_0a0b0c', 12.5],
    [14, undefined, 7],
  ]);
  const [group] = groupSlowStatements(plans);
  expect(group).toMatchObject({ calls: 2, totalMs: 19.5, maxMs: 12.5 });
  const untitled = {
    ...plans[0],
    queryText: ' ',
    plan: { 'Node Type': 'Function Scan', 'Function Name': 'archive' },
  };
  expect(groupSlowStatements([untitled as LoggedPlan]).map((g) => g.query)).toEqual([
    '(no text logged) Function Scan archive()',
  ]);
  expect(planOutline(scan)).toEqual([
    'Seq Scan on tasks  rows=20000×1',
    '⚠️ Seq Scan on tasks touched 20,000 rows (> 10,000)',
  ]);
});

test('the outline shows each node with rows × loops and buffers, indented, and cuts long plans', () => {
  const plan = {
    'Node Type': 'Nested Loop',
    'Actual Rows': 5,
    'Actual Loops': 1,
    'Shared Hit Blocks': 12,
    'Shared Read Blocks': 1,
    Plans: [
      {
        'Node Type': 'Function Scan',
        'Function Name': 'generate_series',
        'Actual Rows': 5,
        'Actual Loops': 1,
      },
      {
        'Node Type': 'Index Scan',
        'Index Name': 'tasks_pkey',
        'Relation Name': 'tasks',
        'Actual Rows': 1,
        'Actual Loops': 5,
      },
    ],
  };
  expect(planOutline(plan)).toEqual([
    'Nested Loop  rows=5×1  hit=12 read=1',
    '  → Function Scan generate_series()  rows=5×1',
    '  → Index Scan using tasks_pkey on tasks  rows=1×5',
  ]);
  expect(planOutline(plan, 2)).toEqual([
    'Nested Loop  rows=5×1  hit=12 read=1',
    '  → Function Scan generate_series()  rows=5×1',
    '… 1 more node(s)',
  ]);
});
