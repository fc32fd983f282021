/**
 * Login users for tasker's database roles (12_access.sql: tasker_orchestration, tasker_worker,
 * tasker_reader, NOLOGIN groups created by the migration): `createServiceLogin` creates a user with
 * a random password that is a member of one role and returns a connection string that logs in as it
 * — what an operator does once per deployment, and what the e2e suite does per system so the
 * services run with least privilege. Users are cluster-wide: `drop()` removes the user again
 * (the e2e system's stop calls it); the password is never logged.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

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
 * Creates a login user in `role` through `admin` (a role with CREATEROLE), for the database of
 * `connectionString`. `label` becomes part of the user's name (a–z, 0–9, _), which also carries a
 * random suffix so concurrent systems on one server never share a user.
 */
export async function createServiceLogin(
  admin: pg.Pool | pg.ClientBase,
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
  await admin.query(
    `create role ${quoteIdent(user)} login password ${quoteLiteral(password)} in role ${quoteIdent(role)}`,
  );
  const url = new URL(connectionString);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  let dropped = false;
  return {
    role,
    user,
    connectionString: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin.query(`drop role if exists ${quoteIdent(user)}`);
    },
  };
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;
