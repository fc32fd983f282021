/**
 * `systemTest`: bench-kit's `benchTest` plus a file-scoped `system` (tasker in-process on the file's
 * database: one orchestrator, one worker; stopped after the file, also when it fails). A bench that
 * needs another shape starts one itself with `startSystem` (and stops it in `finally`).
 */
import { benchTest } from '@tasker/bench-kit';
import { startSystem } from './startSystem.ts';
import type { TaskerSystem } from './taskerSystem.ts';

export const systemTest = benchTest.extend(
  'system',
  { scope: 'file' },
  async ({ db }, { onCleanup }): Promise<TaskerSystem> => {
    const system = await startSystem({ connectionString: db.connectionString, mode: 'in-process' });
    onCleanup(() => system.stop());
    return system;
  },
);
