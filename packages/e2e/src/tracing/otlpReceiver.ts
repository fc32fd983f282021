/**
 * An OTLP/HTTP receiver in the runner's process: the services' processes export their spans to it
 * (OTEL_EXPORTER_OTLP_ENDPOINT = `endpoint`, protocol http/json: otlpExportEnv), and what arrives
 * feeds the same phase breakdown as the in-memory collector does in-process.
 *
 *   POST /v1/traces  application/json (gzip or not) → 200 {} and the spans kept (otlpJson.ts)
 *                    anything else → 415 (protobuf: the exporter must send http/json) or 400
 *   other paths      404 (metrics and logs are not asked of the services)
 * A refused request is noted in `rejected` with why, for the caller to check: an exporter only logs
 * its failures in the service's own output.
 *
 * Spans stay readable after close(): a cluster's children flush on SIGTERM, so everything has
 * arrived once the system's stop() has returned (then the receiver is closed).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpTraces, type ReceivedSpan } from './otlpJson.ts';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type OtlpReceiver = {
  /** the base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces) */
  readonly endpoint: string;
  /** every span received so far, in arrival order */
  spans(): readonly ReceivedSpan[];
  /** requests refused, each with its reason */
  readonly rejected: readonly string[];
  reset(): void;
  /** resolves once no request has arrived for `quietMs` (at most `timeoutMs`): for exporters that flush on their own schedule */
  quiet(quietMs: number, timeoutMs: number): Promise<void>;
  /** stops listening (idempotent); the spans stay */
  close(): Promise<void>;
};

export type OtlpReceiverOptions = {
  /** default 127.0.0.1: only this machine's processes can send */
  host?: string;
  /** default 0: any free port */
  port?: number;
};

/** What a service process needs in its environment to export its spans to `endpoint` as JSON. */
export function otlpExportEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // per-signal settings inherited from the runner's environment would win over the two above
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_SDK_DISABLED: 'false',
    // batches every 0.5 s instead of 5 s: spans arrive while a run goes on, not all at its stop
    OTEL_BSP_SCHEDULE_DELAY: '500',
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body over ${MAX_BODY_BYTES} bytes`));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const rejected: string[] = [];
  let lastArrival = performance.now();

  const server = createServer((request, response) => {
    lastArrival = performance.now();
    const answer = (status: number, body: string, reason?: string) => {
      if (reason) rejected.push(`${request.method} ${request.url}: ${status} ${reason}`);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    };
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/traces') {
      answer(404, '{}', 'not the traces endpoint');
      request.resume();
      return;
    }
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) {
      answer(415, '{}', `${type || 'no content type'}: export with OTEL_EXPORTER_OTLP_PROTOCOL=http/json`);
      request.resume();
      return;
    }
    readBody(request).then(
      (raw) => {
        try {
          const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString(
            'utf8',
          );
          received.push(...decodeOtlpTraces(JSON.parse(text)));
          answer(200, '{}');
        } catch (error) {
          answer(400, '{}', error instanceof Error ? error.message : String(error));
        }
      },
      (error: Error) => answer(413, '{}', error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    spans: () => received,
    rejected,
    reset: () => {
      received.length = 0;
      rejected.length = 0;
    },
    quiet: async (quietMs, timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline && performance.now() - lastArrival < quietMs)
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, quietMs)));
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
