/**
 * `pnpm bench:report [--baseline <name>] [--docs] [--out <dir>]`
 *
 * Writes the static HTML report (tmp/benchmarks/report/index.html + one page per suite) from what
 * the bench runs left in tmp/benchmarks/: ci/*.json, latest/*.samples.json, history.jsonl and the
 * baseline (`main` when it exists). `--docs` also regenerates the "Latest figures" section of
 * docs/benchmarks/README.md from the same files.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  benchmarkPaths,
  benchmarksDir,
  gatherReportData,
  latestFiguresMarkdown,
  replaceFiguresSection,
  replaceSection,
  repoRoot,
  TARGETS_END,
  TARGETS_START,
  targetRegistry,
  targetsMarkdown,
  writeHtmlReport,
} from '@tasker/bench-kit/node';

const args = process.argv.slice(2);
const option = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const outputDir = benchmarksDir();
const outDir = option('--out') ?? benchmarkPaths(outputDir).report;
const baseline = option('--baseline');

const data = gatherReportData(outputDir, baseline ? { baseline } : {});
const files = writeHtmlReport(outDir, data, targetRegistry);
console.log(
  `HTML report: ${files.length - 1} suites → ${pathToFileURL(join(outDir, 'index.html')).href}` +
    (data.baseline ? ` (against baseline "${data.baseline.name}")` : ''),
);

if (args.includes('--docs')) {
  const doc = join(repoRoot(), 'docs', 'benchmarks', 'README.md');
  const command = option('--command') ?? 'pnpm bench:ci';
  const withFigures = replaceFiguresSection(
    readFileSync(doc, 'utf8'),
    latestFiguresMarkdown(data.suites, command),
  );
  writeFileSync(
    doc,
    replaceSection(withFigures, TARGETS_START, TARGETS_END, targetsMarkdown(targetRegistry)),
  );
  // the project's formatter aligns the generated tables, so the lint check in .ci/run stays green
  const formatted = spawnSync(join(repoRoot(), 'node_modules', '.bin', 'biome'), ['format', '--write', doc], {
    encoding: 'utf8',
  });
  if (formatted.status !== 0) {
    console.error(
      `❌ biome format ${relative(repoRoot(), doc)} failed:\n${formatted.stderr || formatted.stdout}`,
    );
    process.exit(1);
  }
  console.log(`Targets and latest figures: ${relative(repoRoot(), doc)}`);
}
