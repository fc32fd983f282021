/**
 * A server the user already runs, named by DATABASE_URL. We only check that it answers; we never stop
 * it. Connection failures become a PrerequisiteError that names the problem (password redacted).
 */
import pg from 'pg';
import { PrerequisiteError } from '../errors.ts';
import { type DatabaseServer, withDatabase } from './databaseServer.ts';
import { redactConnectionString } from './redact.ts';

const CONNECT_TIMEOUT_MS = 5_000;

export async function useExternalServer(databaseUrl: string | undefined): Promise<DatabaseServer> {
  const prerequisite = 'PostgreSQL (DATABASE_URL)';
  if (!databaseUrl) {
    throw new PrerequisiteError(
      prerequisite,
      'TASKER_DB=url but DATABASE_URL is not set',
      'set DATABASE_URL=postgres://user:password@host:port/db, or unset TASKER_DB to use the embedded PostgreSQL',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch (error) {
    throw new PrerequisiteError(
      prerequisite,
      'DATABASE_URL is not a valid URL',
      'use the form postgres://user:password@host:port/database',
      { cause: error },
    );
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new PrerequisiteError(
      prerequisite,
      `DATABASE_URL has protocol ${parsed.protocol}, not postgres:`,
      'use the form postgres://user:password@host:port/database',
    );
  }
  const shown = redactConnectionString(databaseUrl);
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ can_create: boolean }>(
      'select rolcreatedb or rolsuper as can_create from pg_roles where rolname = current_user',
    );
    if (!rows[0]?.can_create) {
      throw new PrerequisiteError(
        prerequisite,
        `the role in ${shown} may not create databases`,
        'the harness clones a template database per test file: grant CREATEDB to that role',
      );
    }
  } catch (error) {
    if (error instanceof PrerequisiteError) throw error;
    throw new PrerequisiteError(
      prerequisite,
      `DATABASE_URL is set but the server ${describeFailure(error)} (${shown})`,
      'start that server or fix DATABASE_URL; unset DATABASE_URL (and TASKER_DB) to use the embedded PostgreSQL',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    kind: 'url',
    // the maintenance database of the same server: databases are created from there
    adminUrl: withDatabase(databaseUrl, 'postgres'),
    description: `existing server ${shown}`,
    async stop() {},
  };
}

function describeFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `refused the connection: ${message}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host could not be resolved: ${message}`;
    case '28P01':
    case '28000':
      return `rejected the credentials: ${message}`;
    case '3D000':
      return `has no such database: ${message}`;
    default:
      return /timeout/i.test(message)
        ? `did not answer within ${CONNECT_TIMEOUT_MS / 1000} s: ${message}`
        : `could not be reached: ${message}`;
  }
}
