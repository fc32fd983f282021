/**
 * What every provider of a PostgreSQL server hands back: where to connect as an administrator, what
 * it is, and how to stop it (a no-op for a server we did not start).
 */

export type ProviderKind = 'url' | 'testcontainers' | 'embedded';

export interface DatabaseServer {
  kind: ProviderKind;
  /** Connection string to a maintenance database (`postgres`) with the right to create databases. */
  adminUrl: string;
  /** One line for the prerequisites banner, e.g. "embedded PostgreSQL on 127.0.0.1:41234". */
  description: string;
  /** The server's log file, where we started the server and it logs to a file we can read (embedded);
   *  `bench:profile --db` reads auto_explain's plans from it. */
  serverLog?: string;
  /** Stops what was started and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** Replaces the database name of a connection string. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
