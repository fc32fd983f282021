/**
 * What `bench.compare` does with the benches it compares, established by running it: a real
 * `vitest bench` on a fixture project whose two benches (a, b) write down every call. Vitest's guide
 * says compared benches run "using interleaved iterations"; Vitest 5.1 with tinybench 6 warms up a,
 * then b, then runs all of a's iterations, then all of b's (Bench.run awaits each task in turn). A
 * comparison that needs drift to hit both sides alike alternates the calls itself
 * (`sampleInterleaved`, measure/interleave.ts). If a Vitest upgrade starts interleaving, this test
 * fails and the benches can hand their comparisons back to `bench.compare`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const vitestBin = join(repoRoot, 'node_modules/vitest/vitest.mjs');
const fixtureConfig = fileURLToPath(new URL('./fixtures/compare/vitest.config.ts', import.meta.url));
const WARMUP_ITERATIONS = 2;
const ITERATIONS = 5;

const tmpDirs: string[] = [];
afterEach(() => {
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runFixture(orderFile: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [vitestBin, 'bench', '--config', fixtureConfig], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CI: 'true',
      FIXTURE_ORDER_FILE: orderFile,
      FIXTURE_ITERATIONS: String(ITERATIONS),
      FIXTURE_WARMUP_ITERATIONS: String(WARMUP_ITERATIONS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

test('bench.compare runs the compared benches one after another, not interleaved', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-compare-order-'));
  tmpDirs.push(dir);
  const orderFile = join(dir, 'order.txt');
  const result = await runFixture(orderFile);
  expect(result.code, result.output).toBe(0);
  const calls = readFileSync(orderFile, 'utf8').trim().split('\n');
  const repeat = (entry: string, n: number) => Array.from({ length: n }, () => entry);
  expect(calls).toEqual([
    ...repeat('warmup a', WARMUP_ITERATIONS),
    ...repeat('warmup b', WARMUP_ITERATIONS),
    ...repeat('run a', ITERATIONS),
    ...repeat('run b', ITERATIONS),
  ]);
}, 60_000);
