/**
 * docker-compose.test.yml keeps its promises: a PostgreSQL + PGMQ service with a healthcheck, the
 * port and credentials the README documents, and the same image testcontainers uses by default.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PG_IMAGE } from '../src/provision/containerServer.ts';

interface ComposeService {
  image?: string;
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
