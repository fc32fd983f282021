/**
 * Starts tasker for a bench or test: a remote deployment when TASKER_TEST_ORCHESTRATION_URL(S) is
 * set, else in-process or cluster as asked. Always pair with `stop()` (the `system` fixture does).
 * TASKER_RESULT_HANDOFF=queue (default inline) runs every worker that is not told otherwise with that result
 * hand-off, so the whole e2e suite (reliability included) can be run against it.
 */

import { SystemError } from '../errors.ts';
import { startClusterSystem } from './clusterSystem.ts';
import { startInProcessSystem } from './inProcessSystem.ts';
import { connectRemoteSystem, remoteTargetFromEnv } from './remoteSystem.ts';
import type { SystemOptions, TaskerSystem } from './taskerSystem.ts';

export async function startSystem(options: SystemOptions): Promise<TaskerSystem> {
  const remote = remoteTargetFromEnv(options.env);
  if (remote) return connectRemoteSystem(remote, options);
  const resolved = { ...options, resultHandoff: options.resultHandoff ?? resultHandoffFromEnv(options.env) };
  return options.mode === 'cluster' ? startClusterSystem(resolved) : startInProcessSystem(resolved);
}

/** TASKER_RESULT_HANDOFF (default inline, the worker's default); anything else is refused naming the variable. */
export function resultHandoffFromEnv(env: NodeJS.ProcessEnv = process.env): 'queue' | 'inline' {
  const value = env.TASKER_RESULT_HANDOFF?.trim() || 'inline';
  if (value !== 'queue' && value !== 'inline')
    throw new SystemError(
      'E2E_CONFIG',
      `TASKER_RESULT_HANDOFF=${value} is not a hand-off: use queue or inline`,
    );
  return value;
}
