import { expect, test } from 'vitest';
import { buildCiReport } from '../report/ciJson.ts';
import { eventPropagation, FIXTURE_PASSWORD, fixtureEnvironment } from '../report/reportFixture.ts';
import { buildSuiteReport } from '../report/suiteReport.ts';
import { targetRegistry } from '../targets/registry.ts';
import { FIGURES_END, FIGURES_START, latestFiguresMarkdown, replaceFiguresSection } from './latestFigures.ts';

const report = buildCiReport(buildSuiteReport(eventPropagation, targetRegistry), fixtureEnvironment);

test('figures name the date, commit, command and machine, one table per suite', () => {
  const md = latestFiguresMarkdown([report], 'pnpm bench:ci');
  expect(md).toContain('Run 2025-01-31 · commit `0123456789ab` · `pnpm bench:ci`');
  expect(md).toContain('PostgreSQL 18.1');
  expect(md).toContain('#### event_propagation');
  expect(md).not.toContain(FIXTURE_PASSWORD);
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
