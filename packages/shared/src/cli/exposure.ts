/**
 * Secure by default: a tasker service listens on 127.0.0.1 unless told otherwise, and serves
 * unauthenticated (the orchestration API without credentials, a worker's /health and /metrics,
 * which have none) only where nobody else can reach it — unless started with --insecure-no-auth,
 * which is logged.
 */

/** Loopback addresses: only this machine reaches a service bound to one. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Whether an unauthenticated server may listen on `host`: yes on loopback; elsewhere only with
 * `insecureNoAuth`, and then `warn` says so. Returns the refusal to report, or undefined.
 */
export function unauthenticatedExposure(
  service: string,
  host: string,
  insecureNoAuth: boolean,
  warn: (message: string) => void = console.warn,
): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  if (!insecureNoAuth)
    return `refusing to serve ${service} on ${host} without authentication: listen on 127.0.0.1, configure authentication where the service has it, or pass --insecure-no-auth`;
  warn(
    `[${service}] WARNING: listening on ${host} with authentication OFF (--insecure-no-auth): anyone who can reach it can call it`,
  );
  return undefined;
}
