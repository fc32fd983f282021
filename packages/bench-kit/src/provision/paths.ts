/** Where the harness keeps its files: the repo's `tmp/` (override with TASKER_TMP_DIR). */
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

export function repoTmpDir(): string {
  return process.env.TASKER_TMP_DIR ?? `${repoRoot()}tmp`;
}
