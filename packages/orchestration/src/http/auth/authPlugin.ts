/**
 * Authentication and authorization of every request (see credentials.ts and routePermissions.ts):
 * one onRequest hook on the root instance, so every route plugin inherits it. A public route
 * (liveness) passes; any other needs a credential (401 otherwise, also for an unknown route, so
 * the API's shape is not disclosed to callers without one) that carries the route's permission
 * (403 otherwise). An onRoute hook refuses to register a route routePermissions.ts does not name.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, OrchestrationConfigError, UnauthorizedError } from './authErrors.ts';
import type { Authenticator, Principal } from './credentials.ts';
import { routePermission } from './routePermissions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** who called, once authenticated (undefined on public routes and with authentication off) */
    principal?: Principal;
  }
}

/** Adds the hooks to `app` itself (not an encapsulated plugin: they must cover every route). */
export function installAuth(app: FastifyInstance, authenticator: Authenticator | undefined): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      if (routePermission(method, route.url) === undefined)
        throw new OrchestrationConfigError(
          `route ${method} ${route.url} has no entry in routePermissions.ts: say who may call it`,
        );
  });
  if (!authenticator) return;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url;
    const needed = url === undefined ? undefined : routePermission(request.method, url);
    if (needed === 'public') return;
    const outcome = await authenticator.authenticate(request.headers);
    if (!outcome.ok) {
      void reply.header('www-authenticate', 'Bearer');
      throw new UnauthorizedError(outcome.reason);
    }
    request.principal = outcome.principal;
    // an unknown route (404 next) needs only a valid credential
    if (needed !== undefined && !outcome.principal.permissions.has(needed)) throw new ForbiddenError(needed);
  });
}
