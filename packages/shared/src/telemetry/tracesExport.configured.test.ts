/** tracesExportConfigured: which environments make a service load the SDK and export its spans. */
import { expect, test } from 'vitest';
import { tracesExportConfigured } from './tracesExport.ts';

test.each([
  [{}, undefined, false],
  [{ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, undefined, false],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, undefined, false],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, undefined, true],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }, undefined, true],
  [{}, 'http://127.0.0.1:4318', true],
  [{ OTEL_TRACES_EXPORTER: 'console' }, undefined, true],
  [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, undefined, false],
  [{ OTEL_TRACES_EXPORTER: 'otlp, None' }, undefined, false],
  [{ OTEL_SDK_DISABLED: 'TRUE' }, 'http://127.0.0.1:4318', false],
  [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, undefined, true],
] as const)('%j with --otlp-endpoint %s → %s', (env, flag, expected) => {
  expect(tracesExportConfigured(env, flag)).toBe(expected);
});
