/**
 * `pnpm bench:report`: the static HTML report under tmp/benchmarks/report/ — index.html and one page
 * per suite, opened straight from disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetRegistry } from '../targets/target.ts';
import { renderIndex, renderSuitePage, suiteFileName } from './renderPages.ts';
import type { ReportData } from './reportData.ts';

export function writeHtmlReport(dir: string, data: ReportData, registry: TargetRegistry): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'index.html')];
  writeFileSync(files[0] as string, renderIndex(data));
  for (const report of data.suites) {
    const file = join(dir, suiteFileName(report.benchmark_suite));
    writeFileSync(file, renderSuitePage(report, data, registry));
    files.push(file);
  }
  return files;
}
