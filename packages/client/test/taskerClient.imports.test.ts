/**
 * The client's import graph holds no database code: importing @tasker/client (and through it
 * @tasker/shared/api, where the API's shapes live) loads neither pg nor shared's db/ modules. Each
 * import runs in a fresh Node process whose resolve hook records every module it loads; the package
 * root of @tasker/shared is imported the same way as the control that the check sees pg at all.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

const RECORD_LOADS = `
import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    loaded.push(resolved.url);
    return resolved;
  },
});
await import(process.env.TASKER_IMPORT_UNDER_TEST);
process.stdout.write(JSON.stringify(loaded));
`;

async function modulesLoadedBy(entry: URL): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', RECORD_LOADS], {
    env: { ...process.env, TASKER_IMPORT_UNDER_TEST: entry.href },
  });
  return JSON.parse(stdout) as string[];
}

const databaseCode = (url: string) =>
  /\/node_modules\/(\.pnpm\/)?(pg|pg-pool|pg-protocol|postgres)[@/]/.test(url) ||
  url.includes('/shared/src/db/');

test('importing the client loads no database code', async () => {
  const loaded = await modulesLoadedBy(new URL('../src/index.ts', import.meta.url));
  expect(loaded.some((url) => url.includes('/shared/src/api/'))).toBe(true);
  expect(loaded.filter(databaseCode)).toEqual([]);
});

test('control: the root of @tasker/shared does load pg, which the check sees', async () => {
  const loaded = await modulesLoadedBy(new URL('../../shared/src/index.ts', import.meta.url));
  expect(loaded.filter(databaseCode).length).toBeGreaterThan(0);
});
