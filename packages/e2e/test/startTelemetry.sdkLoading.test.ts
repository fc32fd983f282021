/**
 * Only the services' entry points load the OpenTelemetry SDK, and only when export is configured:
 * importing orchestration's or worker's library (src/index.ts) loads no @opentelemetry module but
 * the API; their startTelemetry with no OTEL_* variable loads none either; the same call with
 * OTEL_EXPORTER_OTLP_ENDPOINT set loads @opentelemetry/sdk-node (the control that the check sees it).
 * Each run is a fresh Node process whose resolve hook records every module it loads.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

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
const module = await import(process.env.TASKER_IMPORT_UNDER_TEST);
if (process.env.TASKER_CALL_START_TELEMETRY) await (await module.startTelemetry(undefined))?.shutdown();
process.stdout.write(JSON.stringify(loaded));
`;

/** the @opentelemetry packages a module loaded, by name */
async function openTelemetryLoadedBy(entry: URL, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', RECORD_LOADS], {
    env: { ...clean, NODE_OPTIONS: '', TASKER_IMPORT_UNDER_TEST: entry.href, ...env },
  });
  const names = (JSON.parse(stdout) as string[]).flatMap((url) => {
    const match = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@opentelemetry\/[^/]+)\//.exec(url);
    return match?.[1] ? [match[1]] : [];
  });
  return [...new Set(names)].sort();
}

describe.each(['orchestration', 'worker'])('%s', (pkg) => {
  const source = (file: string) => new URL(`../../${pkg}/src/${file}`, import.meta.url);

  test('the library loads the API alone', async () => {
    expect(await openTelemetryLoadedBy(source('index.ts'))).toEqual(['@opentelemetry/api']);
  });

  test('the entry point loads the SDK only when export is configured', async () => {
    const unconfigured = await openTelemetryLoadedBy(source('startTelemetry.ts'), {
      TASKER_CALL_START_TELEMETRY: '1',
    });
    expect(unconfigured.filter((name) => name !== '@opentelemetry/api')).toEqual([]);
    const configured = await openTelemetryLoadedBy(source('startTelemetry.ts'), {
      TASKER_CALL_START_TELEMETRY: '1',
      // nothing listens there: shutdown's flush has no spans to send
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(configured).toContain('@opentelemetry/sdk-node');
  });
});
