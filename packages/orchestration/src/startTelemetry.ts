/**
 * The OpenTelemetry SDK of the tasker-orchestration process, for cli.ts alone: the library
 * (src/index.ts and all it imports) only ever uses @opentelemetry/api, whose spans stay no-ops until
 * a process registers an SDK. The SDK is imported here, dynamically, and only when the environment
 * or --otlp-endpoint asks for export (tracesExportConfigured); otherwise nothing of it loads.
 *
 * @opentelemetry/sdk-node reads the standard variables itself: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT,
 * _PROTOCOL (http/protobuf by default; http/json, grpc), _HEADERS, _TIMEOUT, OTEL_BSP_*,
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (which win over the defaults below). Resource:
 * service.name tasker-orchestration, service.version from package.json, service.instance.id unique
 * to this process, host and OS; not the process detector's command line, which holds the
 * --database-url (password included) and the API keys' hashes (OTEL_NODE_RESOURCE_DETECTORS
 * chooses other detectors). Traces only: the metrics are /metrics, no log records are made.
 * (worker/src/startTelemetry.ts is this file for the other service: a library may not hold it,
 * and neither service imports the other.)
 */
import { randomUUID } from 'node:crypto';
import { tracesExportConfigured } from '@tasker/shared';
import manifest from '../package.json' with { type: 'json' };

const SERVICE_NAME = 'tasker-orchestration';
/** how long a shutdown waits for the last spans to be exported */
const FLUSH_TIMEOUT_MS = 5_000;

export type Telemetry = {
  /** where the spans go, for the start-up line */
  readonly destination: string;
  /** exports what is buffered and stops; resolves within FLUSH_TIMEOUT_MS, also when export fails */
  shutdown(): Promise<void>;
};

/** Starts span export when configured; undefined (and nothing loaded) when not. */
export async function startTelemetry(otlpEndpoint: string | undefined): Promise<Telemetry | undefined> {
  if (!tracesExportConfigured(process.env, otlpEndpoint)) return undefined;
  // the flag is the variable's spelling on a command line: the SDK reads it from the environment
  if (otlpEndpoint) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpEndpoint;
  const [{ NodeSDK }, resources, semconv] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const sdk = new NodeSDK({
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        [semconv.ATTR_SERVICE_NAME]: SERVICE_NAME,
        [semconv.ATTR_SERVICE_VERSION]: manifest.version,
        [semconv.ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
      }),
    ),
    ...(process.env.OTEL_NODE_RESOURCE_DETECTORS
      ? {}
      : { resourceDetectors: [resources.hostDetector, resources.osDetector, resources.envDetector] }),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const env = process.env;
  return {
    destination:
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_ENDPOINT ||
      `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER ?? 'otlp'}`,
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          console.error(`${SERVICE_NAME}: spans not exported within ${FLUSH_TIMEOUT_MS} ms of shutdown`);
          resolve();
        }, FLUSH_TIMEOUT_MS);
      });
      await Promise.race([sdk.shutdown().catch(() => undefined), timeout]);
      clearTimeout(timer);
    },
  };
}
