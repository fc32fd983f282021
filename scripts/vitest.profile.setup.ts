/**
 * A setup file of every bench file under `pnpm bench:profile` (scripts/vitest.profile.config.ts):
 * profiles the Vitest fork's main thread from inside, through the inspector, from the file's start
 * to its last afterAll hook, and writes fork.<pid>.cpuprofile (with --heap also
 * fork.<pid>.heapprofile, a sampling heap profile) into TASKER_PROFILE_DIR.
 *
 * Why not only `--cpu-prof`: V8 writes that profile when the process exits, and Vitest sends a fork
 * SIGKILL 500 ms after its SIGTERM; a long bench's profile (megabytes) on a loaded machine often did
 * not make it, so e2e_latency's bench process went unprofiled. This one is written before Vitest
 * stops the fork. `--cpu-prof` stays in the forks' execArgv for their worker threads, whose
 * profiles are written when each thread ends; bench:profile drops the fork's own exit-time profile
 * when this one exists (src/profile/profileLayout.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = process.env.TASKER_PROFILE_DIR;
if (dir) {
  const heap = process.env.TASKER_PROFILE_HEAP === '1';
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', {
    interval: Number(process.env.TASKER_PROFILE_INTERVAL_US ?? 500),
  });
  await session.post('Profiler.start');
  if (heap) await session.post('HeapProfiler.startSampling');

  afterAll(async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `fork.${process.pid}.cpuprofile`), JSON.stringify(profile));
    if (heap) {
      const { profile: heapProfile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(join(dir, `fork.${process.pid}.heapprofile`), JSON.stringify(heapProfile));
    }
    session.disconnect();
  });
}
