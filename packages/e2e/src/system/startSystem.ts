/**
 * Starts tasker for a bench or test: a remote deployment when TASKER_TEST_ORCHESTRATION_URL(S) is
 * set, else in-process or cluster as asked. Always pair with `stop()` (the `system` fixture does).
 */
import { startClusterSystem } from './clusterSystem.ts';
import { startInProcessSystem } from './inProcessSystem.ts';
import { connectRemoteSystem, remoteTargetFromEnv } from './remoteSystem.ts';
import type { SystemOptions, TaskerSystem } from './taskerSystem.ts';

export async function startSystem(options: SystemOptions): Promise<TaskerSystem> {
  const remote = remoteTargetFromEnv(options.env);
  if (remote) return connectRemoteSystem(remote, options);
  return options.mode === 'cluster' ? startClusterSystem(options) : startInProcessSystem(options);
}
