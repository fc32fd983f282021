/**
 * What `bench:profile --db` writes: the run's statement statistics, wait samples and slow-call
 * plans, grouped by bench file (each bench file clones its own database, named after the file, so a
 * database is a file) and for the whole run, as data (db-profile.json) and as markdown
 * (db-profile.md). Pure: built from what dbProfile.ts read.
 */
import {
  groupSlowStatements,
  type LoggedPlan,
  type ParsedLog,
  planOutline,
  type SlowStatement,
} from './autoExplainLog.ts';
import { combineStatements, type StatementStat } from './statementStats.ts';
import { firstWords, type WaitCount, type WaitSamples } from './waitSampler.ts';

/** statements kept per section in the JSON (the markdown shows fewer) */
const KEPT_STATEMENTS = 50;
const KEPT_SLOW_STATEMENTS = 20;

export type SectionStatement = Omit<StatementStat, 'dbid'>;

export interface DbProfileSection {
  /** `whole run`, or the bench file's database label (e.g. `throughput_bench`) */
  title: string;
  /** top statements by total execution time */
  statements: SectionStatement[];
  /** how many distinct (statement, level) rows there were */
  statementRows: number;
  /** time of the top-level rows: the database's execution time for this section */
  toplevelMs: number;
  /** backend samples by state, wait and statement, most seen first */
  waits: Omit<WaitCount, 'database'>[];
  backendSamples: number;
  /** undefined when the server's log could not be read */
  slowStatements: SlowStatement[] | undefined;
  slowCalls: number;
}

export interface DbProfileReport {
  server: string;
  /** the settings the profile ran with, e.g. `pg_stat_statements.track = all` */
  settings: string[];
  /** what could not be done, and why */
  notes: string[];
  sampling: Omit<WaitSamples, 'counts' | 'databases'>;
  unreadablePlans: number;
  sections: DbProfileSection[];
}

export interface DbProfileInput {
  server: string;
  settings: string[];
  notes: string[];
  statements: readonly StatementStat[];
  samples: WaitSamples;
  /** undefined when the server's log could not be read */
  log: ParsedLog | undefined;
  /** a database name → its section title (the bench file's label) */
  labelOf: (database: string) => string;
}

export function buildDbProfileReport(input: DbProfileInput): DbProfileReport {
  const { samples, log, labelOf } = input;
  const titleOfDbid = (dbid: number) => {
    const name = samples.databases.get(dbid);
    return name === undefined ? `database oid ${dbid}` : labelOf(name);
  };
  const titles = new Set<string>();
  for (const stat of input.statements) titles.add(titleOfDbid(stat.dbid));
  for (const count of samples.counts) titles.add(labelOf(count.database));
  for (const plan of log?.plans ?? []) if (plan.database) titles.add(labelOf(plan.database));

  const section = (
    title: string,
    statements: readonly StatementStat[],
    waits: readonly WaitCount[],
    plans: readonly LoggedPlan[],
  ): DbProfileSection => {
    const combined = combineStatements(statements);
    const byWait = new Map<string, Omit<WaitCount, 'database'>>();
    for (const { database: _database, ...count } of waits) {
      const key = JSON.stringify([count.state, count.wait, count.query]);
      const sum = byWait.get(key);
      if (sum) sum.samples += count.samples;
      else byWait.set(key, { ...count });
    }
    return {
      title,
      statements: combined.slice(0, KEPT_STATEMENTS),
      statementRows: combined.length,
      toplevelMs: combined.filter((s) => s.toplevel).reduce((sum, s) => sum + s.totalMs, 0),
      waits: [...byWait.values()].sort((a, b) => b.samples - a.samples),
      backendSamples: waits.reduce((sum, w) => sum + w.samples, 0),
      slowStatements:
        log === undefined ? undefined : groupSlowStatements(plans).slice(0, KEPT_SLOW_STATEMENTS),
      slowCalls: plans.length,
    };
  };

  const perFile = [...titles].sort().map((title) =>
    section(
      title,
      input.statements.filter((s) => titleOfDbid(s.dbid) === title),
      samples.counts.filter((c) => labelOf(c.database) === title),
      (log?.plans ?? []).filter((p) => p.database !== undefined && labelOf(p.database) === title),
    ),
  );
  const whole = section('whole run', input.statements, samples.counts, log?.plans ?? []);
  const { counts: _counts, databases: _databases, ...sampling } = samples;
  return {
    server: input.server,
    settings: input.settings,
    notes: input.notes,
    sampling,
    unreadablePlans: log?.unreadable ?? 0,
    sections: perFile.length > 1 ? [whole, ...perFile] : perFile.length === 1 ? perFile : [whole],
  };
}

export interface FormatOptions {
  topStatements?: number;
  topWaits?: number;
  topPlans?: number;
}

const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3);
const int = (value: number) => value.toLocaleString('en-US');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
/** a code span in a table cell: GitHub's tables split cells at `|` even inside code, unless escaped */
const cell = (text: string) => code(text).replace(/\|/g, '\\|');

export function formatDbProfile(
  report: DbProfileReport,
  { topStatements = 10, topWaits = 12, topPlans = 5 }: FormatOptions = {},
): string {
  const { sampling } = report;
  const out = [
    '# Database profile (`bench:profile --db`)',
    '',
    `- server: ${report.server}`,
    ...report.settings.map((setting) => `- ${setting}`),
    `- wait events: ${int(sampling.ticks)} samples of pg_stat_activity every ${sampling.intervalMs} ms over ${(sampling.durationMs / 1000).toFixed(1)} s` +
      (sampling.errors > 0 ? ` (${sampling.errors} failed: ${sampling.firstError})` : ''),
    ...(report.unreadablePlans > 0
      ? [`- ${report.unreadablePlans} logged plan(s) could not be parsed (interleaved or cut off in the log)`]
      : []),
    ...report.notes.map((note) => `- ⚠️ ${note}`),
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.title}`, '');
    out.push(
      `### Top statements by total execution time (${int(section.statementRows)} rows; top-level total ${ms(section.toplevelMs)} ms)`,
      '',
    );
    if (section.statements.length === 0) out.push('none recorded');
    else {
      out.push(
        '| # | calls | total ms | mean ms | rows | shared hit | shared read | level | statement |',
        '| -: | -: | -: | -: | -: | -: | -: | :- | :- |',
      );
      section.statements.slice(0, topStatements).forEach((s, i) => {
        out.push(
          `| ${i + 1} | ${int(s.calls)} | ${ms(s.totalMs)} | ${ms(s.meanMs)} | ${int(s.rows)} | ${int(s.sharedBlocksHit)} | ${int(s.sharedBlocksRead)} | ${s.toplevel ? 'top' : 'nested'} | ${cell(firstWords(s.query, 100))} |`,
        );
      });
    }
    out.push('', `### Wait events (${int(section.backendSamples)} backend samples)`, '');
    if (section.backendSamples === 0) out.push('no backend of these databases was seen busy');
    else {
      const byWait = new Map<string, number>();
      for (const w of section.waits) byWait.set(w.wait, (byWait.get(w.wait) ?? 0) + w.samples);
      const share = (n: number) => `${((100 * n) / section.backendSamples).toFixed(1)}%`;
      out.push(
        [...byWait]
          .sort((a, b) => b[1] - a[1])
          .map(([wait, n]) => `${wait} ${share(n)}`)
          .join(' · '),
        '',
        '| share | samples | state | wait | statement (first words) |',
        '| -: | -: | :- | :- | :- |',
      );
      for (const w of section.waits.slice(0, topWaits)) {
        const bar = '█'.repeat(Math.max(1, Math.round((20 * w.samples) / section.backendSamples)));
        out.push(
          `| ${share(w.samples)} ${bar} | ${int(w.samples)} | ${w.state} | ${w.wait} | ${cell(w.query)} |`,
        );
      }
    }
    out.push('', `### Slow calls (auto_explain): ${int(section.slowCalls)} logged`, '');
    if (section.slowStatements === undefined) out.push("not available: plans need the server's log");
    else if (section.slowStatements.length === 0) out.push('none');
    section.slowStatements?.slice(0, topPlans).forEach((s, i) => {
      out.push(
        `${i + 1}. ${int(s.calls)} call(s), total ${ms(s.totalMs)} ms, slowest ${ms(s.maxMs)} ms — ${code(firstWords(s.query, 120))}`,
        '',
        '   ```',
        ...planOutline(s.slowest.plan).map((line) => `   ${line}`),
        '   ```',
      );
    });
  }
  return `${out.join('\n')}\n`;
}
