/**
 * The HTTP API (Fastify 5): one plugin per route group, each in routes/ with its routes listed at
 * its top —
 *   taskRoutes     POST /v1/tasks, GET /v1/tasks, GET and DELETE /v1/tasks/:uuid,
 *                  GET /v1/tasks/:uuid/workflow_steps
 *   batchRoutes    POST /v1/tasks/batch
 *   waitRoutes     GET /v1/tasks/:uuid/wait
 *   healthRoutes   GET /health, /health/live, /health/ready
 *   metricsRoutes  GET /metrics
 * What every route shares is set here, on the root, before the plugins are registered, and so
 * inherited by each of their contexts: the validator compiler, the error and not-found answers,
 * authentication (http/auth: who may call which route), admission control (admission.ts: a bounded
 * number of database requests in flight, the rest answered 503 with Retry-After), and the two hooks
 * (keep-alive at shutdown, the request histogram).
 * Every request and response shape is a schema of @tasker/shared/api: requests are validated
 * against them (validatorCompiler.ts), the handlers' types come from them (TypeBox type provider),
 * and the two hot routes' answers are serialized by the compiled serializer their schema gives.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AfterCommitNotifier } from '@tasker/shared';
import Fastify from 'fastify';
import type pg from 'pg';
import type { OrchestrationMetrics } from '../metrics/metrics.ts';
import type { CompletionWaiters } from '../results/completionWaiters.ts';
import { type Admission, installAdmission } from './admission.ts';
import { installAuth } from './auth/authPlugin.ts';
import type { Authenticator } from './auth/credentials.ts';
import { errorHandler } from './errorHandler.ts';
import { batchRoutes } from './routes/batchRoutes.ts';
import { type HealthRoutesOptions, healthRoutes } from './routes/healthRoutes.ts';
import { metricsRoutes } from './routes/metricsRoutes.ts';
import { taskRoutes } from './routes/taskRoutes.ts';
import { waitRoutes } from './routes/waitRoutes.ts';
import { validatorCompiler } from './validatorCompiler.ts';

export type ServerDeps = {
  pool: pg.Pool;
  /**
   * Set when `pool`'s sessions send with tasker.notify = 'after_commit' (03_messaging.sql): a new
   * task's initially enqueued steps wake the workers through it, after the commit.
   */
  notifier?: AfterCommitNotifier;
  metrics: OrchestrationMetrics;
  waiters: CompletionWaiters;
  /** database and listener up */
  readiness: HealthRoutesOptions['readiness'];
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number;
  /**
   * true once shutdown began: answers then carry `Connection: close`, so keep-alive connections
   * of requests in flight at close() end with their answer (Fastify only reaps idle ones)
   */
  draining?: () => boolean;
  logger?: boolean;
  /** checks every request's credential (http/auth); unset, the API answers without one */
  authenticator?: Authenticator;
  /** requests needing the database let in at once, the rest answered 503 (admission.ts; default 128) */
  maxInFlight?: number;
};

export const DEFAULT_MAX_IN_FLIGHT = 128;

declare module 'fastify' {
  interface FastifyInstance {
    /** requests in flight and rejected by admission control (admission.ts) */
    admission: Admission;
  }
}

/** The API server; its routes' request and reply types come from the schemas of @tasker/shared/api. */
export type ApiServer = ReturnType<typeof buildServer>;

export function buildServer(deps: ServerDeps) {
  const { metrics } = deps;
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: deps.bodyLimit ?? 1024 * 1024 })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  // before any route: its onRoute hook must see them all, its onRequest hook guard them all
  installAuth(app, deps.authenticator);
  // after authentication: a caller without a credential never takes a slot
  const admission = installAdmission(app, { maxInFlight: deps.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT });
  app.decorate('admission', admission);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'route_not_found', message: `no route ${request.method} ${request.url}` } });
  });
  // both hooks run on every request: callback-style, since an async hook costs Fastify a promise
  // and its settlement on each
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (deps.draining?.()) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpSeconds.observe(reply.elapsedTime / 1000, {
      method: request.method,
      route,
      status: String(reply.statusCode),
    });
    done();
  });

  // each plugin takes the part of deps it declares in its options type
  void app.register(taskRoutes, deps);
  void app.register(batchRoutes, deps);
  void app.register(waitRoutes, deps);
  void app.register(healthRoutes, deps);
  void app.register(metricsRoutes, deps);
  return app;
}
