/**
 * PostgreSQL + PGMQ in a container through testcontainers, for machines with a container runtime.
 * The image defaults to the published PGMQ image (real extension); TASKER_PG_IMAGE overrides it.
 * testcontainers is imported lazily so machines without Docker never load it.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import type { DatabaseServer } from './databaseServer.ts';
import { postgresFlags, SERVER_CAPACITY } from './embeddedServer.ts';

export const DEFAULT_PG_IMAGE = 'ghcr.io/pgmq/pg18-pgmq:v1.10.0';

/** A cheap check before loading testcontainers: a socket or DOCKER_HOST that could answer. */
export function containerRuntimeLikely(): boolean {
  if (process.env.DOCKER_HOST) return true;
  return [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    `/run/user/${process.getuid?.()}/podman/podman.sock`,
  ].some((path) => existsSync(path));
}

export async function startContainerServer(): Promise<DatabaseServer> {
  const image = process.env.TASKER_PG_IMAGE ?? DEFAULT_PG_IMAGE;
  let module: typeof import('@testcontainers/postgresql');
  try {
    module = await import('@testcontainers/postgresql');
  } catch (error) {
    throw new PrerequisiteError(
      'PostgreSQL (testcontainers)',
      'could not load @testcontainers/postgresql',
      'run pnpm install',
      {
        cause: error,
      },
    );
  }
  try {
    const container = await new module.PostgreSqlContainer(image)
      .withDatabase('postgres')
      .withUsername('postgres')
      .withPassword('postgres')
      .withCommand(['postgres', ...postgresFlags(SERVER_CAPACITY)])
      .start();
    let stopped = false;
    return {
      kind: 'testcontainers',
      adminUrl: container.getConnectionUri(),
      description: `container ${image} on ${container.getHost()}:${container.getPort()}`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await container.stop();
      },
    };
  } catch (error) {
    throw new PrerequisiteError(
      'PostgreSQL (testcontainers)',
      `could not start ${image}: ${error instanceof Error ? error.message : String(error)}`,
      // only a forced TASKER_DB=testcontainers gets here: otherwise startDatabaseServer falls back
      'check that Docker is running and the image can be pulled (TASKER_PG_IMAGE overrides it); TASKER_DB=testcontainers asks for a container, so there is no fallback: unset it, or use TASKER_DB=embedded',
      { cause: error },
    );
  }
}
