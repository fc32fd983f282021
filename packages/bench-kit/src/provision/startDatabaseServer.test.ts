import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { PrerequisiteError } from '../errors.ts';
import { redactConnectionString } from './redact.ts';
import { cloneName } from './runDatabases.ts';
import { chooseProvider, startDatabaseServer } from './startDatabaseServer.ts';

describe('chooseProvider', () => {
  test('TASKER_DB wins over everything', () => {
    expect(chooseProvider({ TASKER_DB: 'embedded', DATABASE_URL: 'postgres://x@h/db' })).toBe('embedded');
    expect(chooseProvider({ TASKER_DB: 'url' })).toBe('url');
  });
  test('DATABASE_URL comes before containers and embedded', () => {
    expect(chooseProvider({ DATABASE_URL: 'postgres://x@h/db' })).toBe('url');
  });
  test('an unknown TASKER_DB is a prerequisite error naming the allowed values', () => {
    expect(() => chooseProvider({ TASKER_DB: 'docker' })).toThrow(PrerequisiteError);
    expect(() => chooseProvider({ TASKER_DB: 'docker' })).toThrow(/url, testcontainers, embedded/);
  });
});

describe('redactConnectionString', () => {
  test('hides the password and keeps the rest', () => {
    expect(redactConnectionString('postgres://alice:s3cr3t@db.example:5432/app')).toBe(
      'postgres://alice:***@db.example:5432/app',
    );
  });
  test('leaves a URL without password unchanged', () => {
    expect(redactConnectionString('postgres://alice@db.example/app')).toBe('postgres://alice@db.example/app');
  });
  test('redacts strings that are not valid URLs too', () => {
    expect(redactConnectionString('postgres://alice:p@ss w0rd@host/db')).not.toContain('w0rd');
  });
});

describe('cloneName', () => {
  test('fits PostgreSQL identifiers and carries the run id', () => {
    const name = cloneName('abcd1234', 'A very long bench file name that goes on and on.bench');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^tasker_abcd1234_[a-z0-9_]+_[0-9a-f]{6}$/);
  });
  test('two clones of one label get different names', () => {
    expect(cloneName('r', 'x')).not.toBe(cloneName('r', 'x'));
  });
});

/**
 * A Docker engine that answers (ping, info, the bridge network testcontainers asks for) but cannot
 * pull any image, as on a machine with Docker and no registry reachable.
 */
function fakeDockerWithoutRegistry(socketPath: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0] ?? '';
    response.setHeader('Content-Type', 'application/json');
    const answers: Record<string, unknown> = {
      '/_ping': 'OK',
      '/version': { Version: '28.2.2', ApiVersion: '1.50' },
      '/info': { ServerVersion: '28.2.2', OperatingSystem: 'fake', OSType: 'linux', Architecture: 'x86_64' },
      '/networks/bridge': {
        Name: 'bridge',
        IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
      },
    };
    if (path in answers) {
      const body = answers[path];
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
      return;
    }
    // image inspect: not here; image pull (and anything else): the registry is unreachable
    response.statusCode = path.startsWith('/images/') && path.endsWith('/json') ? 404 : 500;
    response.end(
      JSON.stringify({ message: `Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io: ${NO_REGISTRY}` }),
    );
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}
const NO_REGISTRY = 'no such host (fake registry)';

describe('a Docker socket whose engine cannot pull the image', () => {
  const saved = { DOCKER_HOST: process.env.DOCKER_HOST, TASKER_DB: process.env.TASKER_DB };
  const dir = mkdtempSync(join(tmpdir(), 'tasker-fake-docker-'));
  let docker: Server;
  beforeAll(async () => {
    docker = await fakeDockerWithoutRegistry(join(dir, 'docker.sock'));
    process.env.DOCKER_HOST = `unix://${join(dir, 'docker.sock')}`;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved.TASKER_DB === undefined) delete process.env.TASKER_DB;
    else process.env.TASKER_DB = saved.TASKER_DB;
  });
  afterAll(async () => {
    if (saved.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved.DOCKER_HOST;
    await new Promise((resolve) => docker.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test('chosen automatically: falls back to the embedded server, with one line saying why', async () => {
    delete process.env.TASKER_DB;
    expect(chooseProvider({ DOCKER_HOST: process.env.DOCKER_HOST })).toBe('testcontainers');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const server = await startDatabaseServer('testcontainers');
    try {
      expect(server.kind).toBe('embedded');
      expect(server.description).toContain('fallback: testcontainers could not start');
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0]?.[0]);
      expect(line).toContain(NO_REGISTRY);
      expect(line).toContain('using the embedded PostgreSQL');
      expect(line).not.toContain('\n');
    } finally {
      await server.stop();
    }
  }, 60_000);

  test('forced with TASKER_DB=testcontainers: fails, naming the pull error and why there is no fallback', async () => {
    process.env.TASKER_DB = 'testcontainers';
    const failure = await startDatabaseServer('testcontainers').then(
      (server) => server.stop().then(() => undefined),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PrerequisiteError);
    expect((failure as PrerequisiteError).message).toContain(NO_REGISTRY);
    expect((failure as PrerequisiteError).hint).toContain('no fallback');
  }, 60_000);
});
