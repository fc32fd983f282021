import { expect, test } from 'vitest';
import { buildCiReport } from '../report/ciJson.ts';
import { eventPropagation, FIXTURE_PASSWORD, fixtureEnvironment } from '../report/reportFixture.ts';
import { buildSuiteReport } from '../report/suiteReport.ts';
import { targetRegistry } from '../targets/registry.ts';
import { FIGURES_END, FIGURES_START, latestFiguresMarkdown, replaceFiguresSection } from './latestFigures.ts';

const report = buildCiReport(buildSuiteReport(eventPropagation, targetRegistry), fixtureEnvironment);

test('figures name the command, and per suite the date, commit, machine and floor, one table per suite', () => {
  const md = latestFiguresMarkdown([report], 'pnpm bench:ci');
  expect(md.startsWith('`pnpm bench:ci` · the newest run of each suite')).toBe(true);
  expect(md).toContain(
    '#### event_propagation\n\nRun 2025-01-31 14:25 UTC · commit `0123456789ab` · 2 × Fixture CPU @ 3.0GHz, linux 6.1.0, Node v22.23.3; PostgreSQL 18.1 (url, PGMQ extension); profile quick. Floor: round trip 0.050 ms',
  );
  expect(md).not.toContain(FIXTURE_PASSWORD);
});

test('each suite carries its own run: commit, date and machine are not the first suite’s', () => {
  const later: typeof report = {
    ...report,
    benchmark_suite: 'sql_functions',
    timestamp: '2025-02-03T08:10:00.000Z',
    commit: 'fedcba9876543210fedcba9876543210fedcba98',
    environment: {
      ...report.environment,
      cpu_model: 'Other CPU',
      cpu_count: 8,
      node: 'v26.10.0',
      floor: null,
    },
  };
  const md = latestFiguresMarkdown([later, report], 'pnpm bench:ci');
  expect(md).toContain('(2 commits)');
  const section = (suite: string) => {
    const from = md.indexOf(`#### ${suite}`);
    const next = md.indexOf('#### ', from + 1);
    return md.slice(from, next < 0 ? undefined : next);
  };
  expect(section('event_propagation')).toContain(
    'Run 2025-01-31 14:25 UTC · commit `0123456789ab` · 2 × Fixture CPU',
  );
  expect(section('sql_functions')).toContain(
    'Run 2025-02-03 08:10 UTC · commit `fedcba987654` · 8 × Other CPU',
  );
  expect(section('sql_functions')).toContain('Node v26.10.0');
  expect(section('sql_functions')).not.toContain('0123456789ab');
  expect(section('sql_functions')).not.toContain('Floor:');
  // without a floor of its own, no figure of that suite is put in round trips (not the other suite's)
  expect(section('sql_functions')).not.toMatch(/\| [\d.,]+ RT \|/);
  expect(section('event_propagation')).toMatch(/\| [\d.,]+ RT \|/);
});

test('p50 in round trips of the suite’s own floor', () => {
  const md = latestFiguresMarkdown([report], 'pnpm bench:ci');
  const p50 = report.results.find((r) => r.name === 'payload notification' && r.metric === 'p50')?.p50_ms;
  if (p50 == null) throw new Error('the fixture has a payload notification p50');
  // fixture floor: a 0.05 ms round trip
  expect(md).toContain(` ${Math.round(p50 / 0.05)} RT |`);
});

test('only the section between the markers is replaced', () => {
  const page = `# Title\n\n${FIGURES_START}\nold\n${FIGURES_END}\n\n## After\n`;
  const next = replaceFiguresSection(page, 'new figures');
  expect(next).toBe(`# Title\n\n${FIGURES_START}\n\nnew figures\n\n${FIGURES_END}\n\n## After\n`);
  expect(replaceFiguresSection(next, 'again')).toContain(`${FIGURES_START}\n\nagain\n\n${FIGURES_END}`);
  expect(() => replaceFiguresSection('# no markers', 'x')).toThrow(/no .* section/);
});

test('a throughput target reads as a floor (≥), a latency target as a ceiling (≤)', () => {
  const throughput = {
    ...report,
    benchmark_suite: 'throughput',
    results: [
      {
        ...(report.results[0] as (typeof report.results)[number]),
        name: 'linear tasks (2 workers)',
        metric: 'throughput-min',
        value: 100,
        unit: 'tasks/s',
        target: { metric: 'throughput-min', threshold: 300, unit: 'tasks/s', reference: 'issue 18' },
      },
    ],
  };
  const md = latestFiguresMarkdown([report, throughput], 'pnpm bench:ci');
  expect(md).toContain('≥ 300 tasks/s');
  expect(md).not.toContain('≤ 300 tasks/s');
  expect(md).toMatch(/≤ 1 ms/);
});
