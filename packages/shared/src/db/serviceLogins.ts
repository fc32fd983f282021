/**
 * Login users for tasker's database roles (12_access.sql: tasker_orchestration, tasker_worker,
 * tasker_reader, NOLOGIN groups created by the migration): `createServiceLogin` creates a user with
 * a random password that is a member of one role and returns a connection string that logs in as it
 * — what an operator does once per deployment, and what the e2e suite does per system so the
 * services run with least privilege. Users are cluster-wide: `drop()` removes the user again
 * (the e2e system's stop calls it); the password is never logged.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const SERVICE_ROLES = ['tasker_orchestration', 'tasker_worker', 'tasker_reader'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface ServiceLogin {
  role: ServiceRole;
  user: string;
  /** `connectionString` with this user and password instead of its own */
  connectionString: string;
  /** drops the user (its sessions must have ended); safe to call twice */
  drop(): Promise<void>;
}

/**
 * Creates a login user in `role` through `connectionString` (whose user needs CREATEROLE), and
 * returns the same connection string logging in as the new user. `label` becomes part of the user's
 * name (a–z, 0–9, _), which also carries a random suffix so concurrent systems on one server never
 * share a user. `drop()` ends the user's remaining sessions and drops it, through a connection of
 * its own.
 */
export async function createServiceLogin(
  connectionString: string,
  role: ServiceRole,
  label = 'svc',
): Promise<ServiceLogin> {
  const stem = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const user = `${stem}_${role.replace('tasker_', '')}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  // identifiers and the password are generated here, never user input; quoted all the same
  await withAdmin(connectionString, (admin) =>
    admin.query(
      `create role ${quoteIdent(user)} login password ${quoteLiteral(password)} in role ${quoteIdent(role)}`,
    ),
  );
  const url = new URL(connectionString);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  let dropped: Promise<void> | undefined;
  return {
    role,
    user,
    connectionString: url.toString(),
    drop() {
      dropped ??= withAdmin(connectionString, async (admin) => {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [
          user,
        ]);
        await admin.query(`drop role if exists ${quoteIdent(user)}`);
      });
      return dropped;
    },
  };
}

async function withAdmin<T>(connectionString: string, use: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;
