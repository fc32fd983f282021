/**
 * Overload: a bounded number of requests that need the database are let in at once; the next one
 * is answered at once with 503 and `Retry-After` instead of queueing without bound. The database
 * pool has `poolSize` connections, so up to `maxInFlight - poolSize` admitted requests wait for one
 * (pg.Pool's own queue, bounded by this count; a wait longer than the pool's connection timeout
 * is a 503 too, see errorHandler.ts). Liveness, readiness, metrics and the long-poll wait route are
 * not counted: they hold no connection while they wait, and a supervisor's liveness probe must get
 * through however busy the API is. A rejected request has done nothing, so a client may always
 * retry it (TaskerClient does, after Retry-After).
 */
import type { FastifyInstance } from 'fastify';
import { OrchestrationError } from '../errors.ts';
import { routePermission } from './auth/routePermissions.ts';

/** Too many requests in flight: nothing was done; retry after `retryAfterSeconds`. */
export class OverloadedError extends OrchestrationError {
  readonly retryAfterSeconds: number;
  constructor(inFlight: number, retryAfterSeconds: number) {
    super(
      'overloaded',
      503,
      `the API is at its limit of ${inFlight} requests in flight; nothing was done, retry after ${retryAfterSeconds} s`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Routes whose requests hold a database connection for their work. */
function isAdmitted(method: string, url: string | undefined): boolean {
  if (url === undefined || url === '/v1/tasks/:uuid/wait') return false;
  const permission = routePermission(method, url);
  return permission === 'create' || permission === 'read' || permission === 'cancel';
}

export interface AdmissionOptions {
  /** requests that need the database let in at once */
  maxInFlight: number;
  /** the Retry-After of a rejection, seconds (default 1) */
  retryAfterSeconds?: number;
}

export interface Admission {
  /** requests admitted and not yet answered */
  readonly inFlight: number;
  /** requests answered 503 because the limit was reached, since start */
  readonly rejected: number;
}

/** Adds the admission hooks to `app` itself (they must cover every route). */
export function installAdmission(app: FastifyInstance, options: AdmissionOptions): Admission {
  const retryAfter = options.retryAfterSeconds ?? 1;
  const state = { inFlight: 0, rejected: 0 };
  const admitted = new WeakSet<object>();
  // the refusal's body, built once: under a burst most requests are refused, and a refusal sent
  // from the hook (no error object, no stack trace, no error handler) costs the event loop least
  const refusal = JSON.stringify({
    error: { code: 'overloaded', message: new OverloadedError(options.maxInFlight, retryAfter).message },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!isAdmitted(request.method, request.routeOptions.url)) return done();
    if (state.inFlight >= options.maxInFlight) {
      state.rejected++;
      // answered here: a callback hook that sends does not call done()
      void reply
        .code(503)
        .header('retry-after', String(retryAfter))
        .header('content-type', 'application/json; charset=utf-8')
        .send(refusal);
      return;
    }
    state.inFlight++;
    admitted.add(request);
    done();
  });
  // onResponse runs for every answered request, onRequestAbort for a client that went away first
  const release = (request: object) => {
    if (admitted.delete(request)) state.inFlight--;
  };
  app.addHook('onResponse', (request, _reply, done) => {
    release(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    release(request);
    done();
  });
  return {
    get inFlight() {
      return state.inFlight;
    },
    get rejected() {
      return state.rejected;
    },
  };
}
