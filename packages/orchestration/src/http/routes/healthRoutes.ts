/** GET /health and /health/live (the process answers), /health/ready (database and listener up, else 503). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export type HealthRoutesOptions = {
  /** database and listener up */
  readiness: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
};

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { readiness }) => {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const { ready, checks } = await readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
};
