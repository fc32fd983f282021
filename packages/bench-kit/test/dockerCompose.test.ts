/**
 * docker-compose.test.yml keeps its promises: a PostgreSQL + PGMQ service with a healthcheck, the
 * port and credentials the README documents, and the same image testcontainers uses by default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PG_IMAGE } from '../src/provision/containerServer.ts';

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition?: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test?: string[] };
}

const repoRoot = new URL('../../../', import.meta.url);
const compose = parse(readFileSync(fileURLToPath(new URL('docker-compose.test.yml', repoRoot)), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const readme = readFileSync(fileURLToPath(new URL('README.md', repoRoot)), 'utf8');

describe('docker-compose.test.yml', () => {
  const postgres = compose.services.postgres;

  test('has a PostgreSQL service on the PGMQ image testcontainers also uses', () => {
    expect(postgres).toBeDefined();
    expect(postgres?.image).toBe(DEFAULT_PG_IMAGE);
  });

  test('the service has a pg_isready healthcheck', () => {
    expect(postgres?.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
  });

  test('the DATABASE_URL in the README matches its credentials, database and published port', () => {
    const env = postgres?.environment ?? {};
    const hostPort = postgres?.ports?.[0]?.split(':')[0];
    const url = `postgres://${env.POSTGRES_USER}:${env.POSTGRES_PASSWORD}@127.0.0.1:${hostPort}/${env.POSTGRES_DB}`;
    expect(readme).toContain(`DATABASE_URL=${url}`);
  });
});

describe('docker-compose.test.yml: the system profile', () => {
  const { orchestration, worker, postgres } = compose.services;

  test('orchestration and worker are built from the repo and stay out of the default profile', () => {
    expect(orchestration?.build?.dockerfile).toBeDefined();
    expect(existsSync(fileURLToPath(new URL(orchestration?.build?.dockerfile ?? '-', repoRoot)))).toBe(true);
    expect(worker?.image).toBe(orchestration?.image);
    expect(orchestration?.profiles).toEqual(['system']);
    expect(worker?.profiles).toEqual(['system']);
  });

  test('each runs a CLI that exists, against the postgres service, after its dependency is healthy', () => {
    const env = postgres?.environment ?? {};
    const url = `postgres://${env.POSTGRES_USER}:${env.POSTGRES_PASSWORD}@postgres:5432/${env.POSTGRES_DB}`;
    for (const [service, cli, dependency] of [
      [orchestration, 'packages/orchestration/src/cli.ts', 'postgres'],
      [worker, 'packages/worker/src/cli.ts', 'orchestration'],
    ] as const) {
      expect(service?.command?.[1]).toBe(cli);
      expect(existsSync(fileURLToPath(new URL(cli, repoRoot)))).toBe(true);
      expect(service?.environment?.DATABASE_URL).toBe(url);
      expect(service?.depends_on?.[dependency]?.condition).toBe('service_healthy');
      expect(service?.healthcheck?.test?.join(' ')).toMatch(/\/health/);
    }
    expect(orchestration?.command).toContain('--migrate');
  });
});
