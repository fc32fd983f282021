/**
 * Who may call what: the permission each route of the API needs, in one table. A credential (an
 * API key or a JWT, see credentials.ts) carries a set of these permissions; a request without one
 * is answered 401, with one that lacks the route's permission 403. Only liveness is public (a
 * process supervisor must reach it without a secret); readiness says whether the database is up,
 * which is operational detail, so it needs `metrics` like the metrics themselves. buildServer
 * refuses to start with a route this table does not name, so a new route is never open by mistake.
 */
export const PERMISSIONS = ['create', 'read', 'cancel', 'metrics'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROUTE_PERMISSIONS: Readonly<Record<string, Permission | 'public'>> = {
  'POST /v1/tasks': 'create',
  'POST /v1/tasks/batch': 'create',
  'GET /v1/tasks': 'read',
  'GET /v1/tasks/:uuid': 'read',
  'GET /v1/tasks/:uuid/workflow_steps': 'read',
  'GET /v1/tasks/:uuid/wait': 'read',
  'DELETE /v1/tasks/:uuid': 'cancel',
  'GET /metrics': 'metrics',
  'GET /health/ready': 'metrics',
  'GET /health': 'public',
  'GET /health/live': 'public',
};

/** The permission `method url` needs (HEAD as GET), or undefined for a route the table lacks. */
export function routePermission(method: string, url: string): Permission | 'public' | undefined {
  return ROUTE_PERMISSIONS[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
