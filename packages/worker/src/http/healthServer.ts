/**
 * `/health` and `/metrics` of a worker on plain node:http: health is 200 while the worker runs
 * (503 while closing or before start), with the listener state and steps in flight; metrics is
 * Prometheus text. Anything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from '../worker/worker.ts';
import { formatPrometheus } from '../worker/workerMetrics.ts';

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  worker: Worker,
  options: { port: number; host?: string },
): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/health') {
      const healthy = worker.state === 'running';
      const body = JSON.stringify({
        status: healthy ? 'ok' : worker.state,
        worker_id: worker.workerId,
        namespaces: worker.namespaces,
        listening: worker.listening,
        in_flight: worker.metrics.inFlight,
      });
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(body);
    } else if (path === '/metrics') {
      response
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(formatPrometheus(worker.metrics, { worker_id: worker.workerId }));
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
