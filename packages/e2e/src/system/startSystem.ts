/**
 * Starts tasker for a bench or test: a remote deployment when TASKER_TEST_ORCHESTRATION_URL(S) is
 * set, else in-process or cluster as asked. Always pair with `stop()` (the `system` fixture does).
 * TASKER_RESULT_HANDOFF=queue (default inline) runs every worker that is not told otherwise with that result
 * hand-off, so the whole e2e suite (reliability included) can be run against it.
 *
 * The services log in as a deployment's would, through the least-privilege roles (12_access.sql):
 * one login user in tasker_orchestration for the orchestrators and one in tasker_worker for the
 * workers, created here for this system and dropped when it stops. Where the file's user may not
 * create roles (a DATABASE_URL server without CREATEROLE) they use its connection string instead,
 * and `databaseRoles` says 'owner'.
 * The API needs a credential, as a deployment's would: each system gets a random API key with every
 * permission (its hash given to the orchestrators, the key to the system's clients, `apiToken`).
 */

import { randomBytes } from 'node:crypto';
import { hashApiKey } from '@tasker/orchestration';
import { createServiceLogin, type ServiceLogin, TaskerError } from '@tasker/shared';
import { startClusterSystem } from './clusterSystem.ts';
import { startInProcessSystem } from './inProcessSystem.ts';
import { connectRemoteSystem, remoteTargetFromEnv } from './remoteSystem.ts';
import type { SystemCredential, SystemOptions, TaskerSystem } from './taskerSystem.ts';

export async function startSystem(options: SystemOptions): Promise<TaskerSystem> {
  const remote = remoteTargetFromEnv(options.env);
  if (remote) return connectRemoteSystem(remote, options);
  const logins = options.services ? undefined : await serviceLogins(options.connectionString);
  const resolved: SystemOptions = {
    credential: options.credential ?? systemCredential(),
    ...options,
    resultHandoff: options.resultHandoff ?? resultHandoffFromEnv(options.env),
    ...(logins ? { services: logins.services } : {}),
  };
  let system: TaskerSystem;
  try {
    system =
      resolved.mode === 'cluster' ? await startClusterSystem(resolved) : await startInProcessSystem(resolved);
  } catch (error) {
    await logins?.drop();
    throw error;
  }
  if (!logins) return system;
  let stopping: Promise<void> | undefined;
  return {
    ...system,
    stop: () => {
      stopping ??= (async () => {
        await system.stop();
        await logins.drop();
      })();
      return stopping;
    },
  };
}

/** A random API key with every permission, and the hashed line the orchestrators are given. */
function systemCredential(): SystemCredential {
  const token = randomBytes(32).toString('base64url');
  return { token, keyLine: `e2e ${hashApiKey(token)} *` };
}

/** A login user in each service role, or undefined where the file's user may not create roles. */
async function serviceLogins(
  connectionString: string,
): Promise<{ services: NonNullable<SystemOptions['services']>; drop(): Promise<void> } | undefined> {
  const created: ServiceLogin[] = [];
  const drop = async () => {
    for (const login of created) await login.drop();
  };
  try {
    for (const role of ['tasker_orchestration', 'tasker_worker'] as const)
      created.push(await createServiceLogin(connectionString, role, 'e2e'));
  } catch (error) {
    await drop().catch(() => undefined);
    // insufficient_privilege (no CREATEROLE), undefined_object (roles not created by the migration),
    // or no server at all: the services then fail on the same connection string with their own error
    const code = (error as { code?: string }).code;
    if (code === '42501' || code === '42704' || !/^[0-9A-Z]{5}$/.test(code ?? '')) return undefined;
    throw error;
  }
  const [orchestration, worker] = created as [ServiceLogin, ServiceLogin];
  return {
    services: { orchestration: orchestration.connectionString, worker: worker.connectionString },
    drop,
  };
}

/** TASKER_RESULT_HANDOFF (default inline, the worker's default); anything else is refused naming the variable. */
export function resultHandoffFromEnv(env: NodeJS.ProcessEnv = process.env): 'queue' | 'inline' {
  const value = env.TASKER_RESULT_HANDOFF?.trim() || 'inline';
  if (value !== 'queue' && value !== 'inline')
    throw new TaskerError(
      'E2E_CONFIG',
      `TASKER_RESULT_HANDOFF=${value} is not a hand-off: use queue or inline`,
    );
  return value;
}
