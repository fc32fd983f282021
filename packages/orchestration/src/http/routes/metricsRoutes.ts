/** GET /metrics: the service's counters and histograms in Prometheus' text format. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OrchestrationMetrics } from '../../metrics/metrics.ts';

export type MetricsRoutesOptions = { metrics: OrchestrationMetrics };

export const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRoutesOptions> = async (app, { metrics }) => {
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
};
