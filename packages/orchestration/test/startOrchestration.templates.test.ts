/**
 * The built-in demo workflows are opt-in: an orchestration registers only the templates it is given
 * (none by default), and the CLI registers the built-ins only with --demo-templates.
 */
import { once } from 'node:events';
import { useTestDatabase } from '@tasker/bench-kit';
import { BUILTIN_TEMPLATES, mathematicalSequence } from '@tasker/shared';
import { expect, test } from 'vitest';
import { startOrchestration } from '../src/index.ts';
import { http, startCli } from './helpers.ts';

const db = useTestDatabase();

async function registeredNames(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>('select name from tasker.named_tasks order by name');
  return rows.map((row) => row.name);
}

test('by default no template is registered: a built-in workflow is an unknown template', async () => {
  const service = await startOrchestration({ databaseUrl: db.connectionString });
  try {
    expect(await registeredNames()).toEqual([]);
    const created = await http(service.url, 'POST', '/v1/tasks', {
      namespace: mathematicalSequence.namespace,
      name: mathematicalSequence.name,
      context: { even_number: 2 },
    });
    expect(created.status).toBe(404);
    expect(created.body.error).toEqual({
      code: 'template_not_found',
      message:
        'no task template linear_workflow/mathematical_sequence@latest; register it first (registerTemplate)',
    });
  } finally {
    await service.close();
  }
});

test('the CLI with --demo-templates registers the built-ins, and serves them', async () => {
  const { child, url } = await startCli([
    '--database-url',
    db.connectionString,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--demo-templates',
  ]);
  try {
    expect(await registeredNames()).toEqual(BUILTIN_TEMPLATES.map((template) => template.name).sort());
    const created = await http(url, 'POST', '/v1/tasks', {
      namespace: mathematicalSequence.namespace,
      name: mathematicalSequence.name,
      context: { even_number: 2 },
    });
    expect(created.status).toBe(201);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});
