/**
 * Graceful shutdown, in-process and as a CLI process on SIGTERM: pending waits are answered, the
 * port closes, and no database connection of the service remains.
 */
import { once } from 'node:events';
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { expect, test } from 'vitest';
import { startOrchestration } from '../src/index.ts';
import { eventually, http, startCli } from './helpers.ts';

const db = useTestDatabase();

async function serviceConnections(name: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where application_name = $1',
    [name],
  );
  return rows[0]?.n ?? 0;
}

test('close(): answers a pending wait, finishes in-flight requests, closes the port and every connection', async () => {
  const service = await startOrchestration({
    databaseUrl: db.connectionString,
    applicationName: 'shutdown_test',
    templates: [mathematicalSequence],
  });
  const created = await http(service.url, 'POST', '/v1/tasks', {
    namespace: mathematicalSequence.namespace,
    name: mathematicalSequence.name,
    context: { even_number: 2 },
  });
  const uuid = created.body.task.task_uuid;
  const waiting = http(service.url, 'GET', `/v1/tasks/${uuid}/wait?timeout_ms=30000`);
  const listing = http(service.url, 'GET', '/v1/tasks');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await serviceConnections('shutdown_test')).toBeGreaterThan(0);

  const started = Date.now();
  await service.close();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect((await waiting).body).toMatchObject({ task_uuid: uuid, completed: false, timed_out: true });
  expect((await listing).status).toBe(200);
  await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  await eventually(
    'the service connections closed',
    async () => (await serviceConnections('shutdown_test')) === 0,
  );
  await service.close(); // idempotent
});

test('the CLI serves, then exits 0 on SIGTERM with its connections closed', async () => {
  const url = new URL(db.connectionString);
  url.searchParams.set('application_name', 'cli_test');
  const { child, url: listening } = await startCli([
    '--database-url',
    url.toString(),
    '--port',
    '0',
    '--host',
    '127.0.0.1',
  ]);
  try {
    expect((await http(listening, 'GET', '/health/ready')).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await eventually(
      'the CLI connections closed',
      async () => (await serviceConnections('tasker-orchestration')) === 0,
    );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
