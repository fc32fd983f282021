/**
 * Opens the HTML report in a real headless Chromium, driven by playwright-core, and checks that the
 * charts rendered (SVG elements present and laid out), that a suite's comparison renders as one
 * table and one chart per measure with every system on one axis, that no page logs a console error, and saves
 * screenshots under tmp/benchmarks/report/. The report is built from the fixed report fixture plus a
 * made-up history and baseline, so the test needs no bench run.
 *
 * Which Chromium, in order: TASKER_CHROMIUM (a binary, or `@sparticuz/chromium` to force the npm
 * one); a system Chromium on the PATH; else the one the npm package @sparticuz/chromium ships inside
 * itself (Linux x64), so a machine with only Node and npm runs this test too. That package decompresses its binary, fonts and SwiftShader into os.tmpdir(),
 * which reads TMPDIR on every call: the test points TMPDIR at its own directory under the repo's tmp
 * dir while it runs and removes that directory afterwards, so nothing is left in /tmp.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, expect, test } from 'vitest';
import { BASELINE_FORMAT } from '../src/baseline/baselineFile.ts';
import { headline, type RunFigures, runFigures } from '../src/baseline/runFigures.ts';
import { historyLines } from '../src/history/historyFile.ts';
import type { RunSamples } from '../src/history/runSamplesFile.ts';
import { suiteFileName } from '../src/html/renderPages.ts';
import type { ReportData } from '../src/html/reportData.ts';
import { writeHtmlReport } from '../src/html/writeHtmlReport.ts';
import { repoTmpDir } from '../src/provision/paths.ts';
import { buildCiReport } from '../src/report/ciJson.ts';
import { eventPropagation, fixtureEnvironment, peersSuite, pgmqSuite } from '../src/report/reportFixture.ts';
import { buildSuiteReport } from '../src/report/suiteReport.ts';
import type { SuiteResult } from '../src/report/suiteResult.ts';
import { targetRegistry } from '../src/targets/registry.ts';

/** Flags for a system or TASKER_CHROMIUM browser (root in CI containers needs --no-sandbox). */
const SYSTEM_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** TASKER_CHROMIUM value that skips the system lookup and uses the npm-shipped Chromium. */
const BUNDLED_CHROMIUM = '@sparticuz/chromium';
const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
/** What @sparticuz/chromium writes into os.tmpdir(): checked to stay out of the real one. */
const SPARTICUZ_OUTPUTS = ['chromium', 'fonts', 'libGLESv2.so', 'libEGL.so', 'libvk_swiftshader.so'];

const screenshots = join(repoTmpDir(), 'benchmarks', 'report');
mkdirSync(screenshots, { recursive: true });
const work = mkdtempSync(join(repoTmpDir(), 'report-browser-'));
const systemTmpDir = tmpdir();
const outputsInSystemTmp = () => SPARTICUZ_OUTPUTS.filter((name) => existsSync(join(systemTmpDir, name)));
const outputsBefore = outputsInSystemTmp();
const previousTmpDirEnv = process.env.TMPDIR;
afterAll(() => {
  if (previousTmpDirEnv === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpDirEnv;
  rmSync(work, { recursive: true, force: true });
});

interface ChromiumBinary {
  executablePath: string;
  args: string[];
  /** Where it came from, for the failure message. */
  source: string;
}

function onPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

async function findChromium(): Promise<ChromiumBinary> {
  const forced = process.env.TASKER_CHROMIUM;
  // CI sets this so a runner that has a browser installed still proves the npm-only path
  if (forced === BUNDLED_CHROMIUM) return bundledChromium();
  if (forced) {
    if (!existsSync(forced)) {
      throw new Error(`TASKER_CHROMIUM=${forced} does not exist: point it at a Chromium binary, or unset it`);
    }
    return { executablePath: forced, args: SYSTEM_CHROMIUM_ARGS, source: `TASKER_CHROMIUM=${forced}` };
  }
  const system = onPath(SYSTEM_CHROMIUM_NAMES);
  if (system)
    return { executablePath: system, args: SYSTEM_CHROMIUM_ARGS, source: `system Chromium ${system}` };
  return bundledChromium();
}

async function bundledChromium(): Promise<ChromiumBinary> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no Chromium on the PATH, and @sparticuz/chromium ships one for Linux x64 only (this is ${process.platform} ${process.arch}): set TASKER_CHROMIUM to a Chromium or Chrome binary`,
    );
  }
  // everything it extracts, and Playwright's own temp files, go under `work` (removed in afterAll)
  process.env.TMPDIR = join(work, 'tmp');
  mkdirSync(process.env.TMPDIR);
  const { default: sparticuz } = await import('@sparticuz/chromium');
  const executablePath = await sparticuz.executablePath();
  return {
    executablePath,
    args: sparticuz.args,
    source: `@sparticuz/chromium (extracted to ${executablePath})`,
  };
}

function fixtureData(): ReportData {
  const suites: SuiteResult[] = [eventPropagation, pgmqSuite, peersSuite];
  const samples: Record<string, RunSamples> = {};
  const baseline: RunFigures = {};
  for (const s of suites) {
    const figures = runFigures([s], targetRegistry);
    const benches: Record<string, number[]> = {};
    for (const b of s.benches) if (b.samplesMs) benches[b.name] = b.samplesMs;
    for (const r of s.records)
      if (r.measurement.kind === 'latency') benches[r.name] = r.measurement.samplesMs;
    samples[s.suite] = {
      format: 'tasker-samples/2',
      suite: s.suite,
      file: s.file,
      timestamp: fixtureEnvironment.timestamp,
      commit: fixtureEnvironment.commit,
      profile: 'quick',
      figures: Object.fromEntries(
        Object.entries(figures).map(([key, f]) => [key.slice(s.suite.length + 1), headline(f)]),
      ),
      benches,
    };
    // a baseline 20% faster than this run
    for (const [name, xs] of Object.entries(benches))
      baseline[`${s.suite}/${name}`] = {
        kind: 'latency',
        unit: 'ms',
        better: 'lower',
        value: (figures[`${s.suite}/${name}`]?.value ?? Number.NaN) / 1.2,
        samplesMs: xs.map((x) => x / 1.2),
      };
  }
  // eight earlier runs, drifting
  const history = Array.from({ length: 8 }, (_, i) =>
    historyLines(suites, {
      ...fixtureEnvironment,
      timestamp: new Date(Date.UTC(2025, 0, 20 + i)).toISOString(),
    }).map((l) => ({
      ...l,
      median: l.median === null ? null : l.median * (0.8 + 0.03 * i),
      p95: l.p95 === null ? null : l.p95 * (0.85 + 0.02 * i),
    })),
  ).flat();
  return {
    generatedAt: fixtureEnvironment.timestamp,
    suites: suites.map((s) => buildCiReport(buildSuiteReport(s, targetRegistry), fixtureEnvironment)),
    samples,
    history,
    baseline: {
      format: BASELINE_FORMAT,
      name: 'main',
      savedAt: '2025-01-27T00:00:00.000Z',
      environment: fixtureEnvironment,
      figures: baseline,
    },
  };
}

test('the report renders its charts in headless Chromium without console errors', {
  timeout: 60_000,
}, async () => {
  const browser = await findChromium();
  const data = fixtureData();
  writeHtmlReport(work, data, targetRegistry);
  const context = await chromium
    .launchPersistentContext(join(work, 'profile'), {
      executablePath: browser.executablePath,
      args: browser.args,
      headless: true,
      viewport: { width: 1240, height: 900 },
    })
    .catch((error: unknown) => {
      throw new Error(
        `could not start ${browser.source}: ${error instanceof Error ? error.message : error}`,
        {
          cause: error,
        },
      );
    });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });

    await page.goto(pathToFileURL(join(work, 'index.html')).href);
    expect(await page.locator('table.suites tbody tr').count()).toBe(3);
    await page.screenshot({ path: join(screenshots, 'browser-check-index.png'), fullPage: true });

    await page.click('a[href="event_propagation.html"]');
    await page.waitForURL(/event_propagation\.html$/);
    const histograms = page.locator('svg.chart.histogram');
    const trends = page.locator('svg.chart.trend');
    expect(await histograms.count()).toBeGreaterThan(0);
    expect(await trends.count()).toBeGreaterThan(0);
    expect(await page.locator('svg.chart.histogram rect.bar').count()).toBeGreaterThan(10);
    expect(await page.locator('svg.chart.trend circle.point').count()).toBeGreaterThan(8);
    expect(await page.locator('svg .marker.target').count()).toBeGreaterThan(0);
    expect(await page.locator('svg .marker.baseline').count()).toBeGreaterThan(0);
    // laid out, not just present
    const box = await histograms.first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(100);
    expect(await page.textContent('body')).toContain('Against baseline');
    await page.screenshot({ path: join(screenshots, 'browser-check-suite.png'), fullPage: true });

    // a suite of throughput records and a failed test: no distributions, the failure shown
    await page.goto(pathToFileURL(join(work, suiteFileName('pgmq'))).href);
    expect(await page.locator('h1 .status.failed').count()).toBe(1);
    expect(await page.textContent('body')).toContain('relation "pgmq.q_unlogged" does not exist');

    // a comparison: one table, a row per system, a column per figure; one chart per measure, each
    // with one lane per system on one axis (the fixture: 3 systems, a latency measure and 3 values)
    await page.goto(pathToFileURL(join(work, suiteFileName('peers'))).href);
    const systems = ['alpha', 'beta', 'gamma'];
    const table = page.locator('table.comparison');
    expect(await table.count()).toBe(1);
    expect(await table.locator('tbody th[scope=row]').allTextContents()).toEqual(systems);
    expect(await table.locator('thead th').count()).toBe(1 + 3 + 3);
    expect(await table.locator('tr.reference th').textContent()).toBe('alpha');
    // gamma's p99 (30 samples) and CPU have no figure, and their cells say why
    expect(await table.locator('tbody tr').nth(2).locator('td.no-figure').first().textContent()).toContain(
      'p99 needs ≥ 100 samples (have 30)',
    );
    expect(await table.textContent()).toContain('PostgreSQL CPU: the server is not local');
    const charts = page.locator('svg.chart.comparison');
    expect(await charts.count()).toBe(4);
    const distributions = page.locator('svg.chart.comparison.distributions');
    expect(await distributions.count()).toBe(1);
    expect(await distributions.locator('g.x-axis').count()).toBe(1);
    expect(await distributions.locator('g.lane').count()).toBe(systems.length);
    expect(await distributions.locator('rect.box').count()).toBe(systems.length);
    // the boxes share the axis: laid out in one column of lanes, each within the plot
    const boxes = await distributions
      .locator('rect.box')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()));
    const axis = await distributions.locator('g.x-axis line.axis').boundingBox();
    if (!axis) throw new Error('the distribution chart has no axis line');
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(0);
      expect(b.left).toBeGreaterThanOrEqual(axis.x - 1);
      expect(b.right).toBeLessThanOrEqual(axis.x + axis.width + 1);
    }
    expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(systems.length);
    const bars = page.locator('svg.chart.comparison.bars');
    expect(await bars.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(await bars.nth(i).locator('g.x-axis').count()).toBe(1);
      expect(await bars.nth(i).locator('g.lane').count()).toBe(systems.length);
    }
    // the CPU chart: two bars, gamma's lane says why it has none
    const cpu = bars.nth(1);
    expect(await cpu.locator('rect.bar').count()).toBe(2);
    expect(await cpu.locator('g.lane[data-row="gamma"] text.no-figure').count()).toBe(1);
    // the records drawn in the shared chart get no histogram of their own
    expect(await page.locator('svg.chart.histogram').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'browser-check-comparison.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  } finally {
    await context.close();
  }
  // the extraction stayed in this test's directory: nothing new in the system's temp dir
  expect(outputsInSystemTmp()).toEqual(outputsBefore);
});
