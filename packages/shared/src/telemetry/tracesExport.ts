/**
 * Whether a tasker service exports its spans, decided from the OpenTelemetry SDK's standard
 * environment variables (and the services' --otlp-endpoint, the first one's spelling on a command
 * line). Nothing here loads the SDK: a service's entry point asks this first and imports the SDK only
 * when the answer is yes, so the libraries and an unconfigured service stay on @opentelemetry/api's
 * no-op tracer.
 *
 *   OTEL_SDK_DISABLED=true                 never (whatever else is set)
 *   OTEL_TRACES_EXPORTER=none              never
 *   OTEL_EXPORTER_OTLP_ENDPOINT            yes: the base URL, /v1/traces appended by the exporter
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT     yes: the full traces URL (wins over the base URL)
 *   OTEL_TRACES_EXPORTER=otlp|console|…    yes: the SDK's default endpoint (localhost:4318) or that exporter
 * Everything else (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS, _TIMEOUT, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*) is read by the SDK itself.
 */

/** The span attribute holding the task's correlation_id, on every span the services record. */
export const CORRELATION_ID_ATTRIBUTE = 'tasker.correlation_id';

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export function tracesExportConfigured(env: NodeJS.ProcessEnv, otlpEndpoint?: string): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.includes('none')) return false;
  return (
    set(otlpEndpoint) ||
    set(env.OTEL_EXPORTER_OTLP_ENDPOINT) ||
    set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    exporters.length > 0
  );
}
