/** Registering templates: rows and worker queue created once, re-registering is a no-op, a changed version is refused. */
import { useTestDatabase } from '@tasker/bench-kit';
import { expect, test } from 'vitest';
import { TemplateConflictError } from '../sqlErrors.ts';
import { chain } from '../templates/generators.ts';
import { TemplateValidationError } from '../templates/templateErrors.ts';
import type { WorkflowTemplate } from '../templates/workflowTemplate.ts';
import { registerTemplate, registerTemplates } from './registerTemplate.ts';

const db = useTestDatabase();

const template: WorkflowTemplate = {
  namespace: 'registry_tests',
  name: 'two_steps',
  version: '1.0.0',
  steps: [
    { name: 'first', handler: 'noop', dependencies: [], retry: { retryable: false, max_attempts: 1 } },
    {
      name: 'second',
      handler: 'noop',
      dependencies: ['first'],
      retry: { retryable: true, max_attempts: 5, backoff_seconds: 7 },
    },
  ],
};

test('creates namespace, named task, named steps with their retry policy, and the worker queue', async () => {
  const registered = await registerTemplate(db.pool, template);
  expect(registered).toMatchObject({ namespace: 'registry_tests', name: 'two_steps', version: '1.0.0' });
  const { rows } = await db.pool.query(
    `select ns.name, ns.handler, ns.retryable, ns.max_attempts, ns.backoff_seconds
     from tasker.named_steps ns where ns.named_task_uuid = $1 order by ns.name`,
    [registered.namedTaskUuid],
  );
  expect(rows).toEqual([
    { name: 'first', handler: 'noop', retryable: false, max_attempts: 1, backoff_seconds: null },
    { name: 'second', handler: 'noop', retryable: true, max_attempts: 5, backoff_seconds: 7 },
  ]);
  const queues = await db.pool.query(
    "select 1 from pgmq.meta where queue_name = 'worker_registry_tests_queue'",
  );
  expect(queues.rowCount).toBe(1);
});

test('registering the same template again returns the same named task and adds nothing', async () => {
  const first = await registerTemplate(db.pool, template);
  const again = await registerTemplates(db.pool, [template, template]);
  expect(again.map((r) => r.namedTaskUuid)).toEqual([first.namedTaskUuid, first.namedTaskUuid]);
  const { rows } = await db.pool.query<{ n: number }>(
    "select count(*)::int as n from tasker.named_tasks where name = 'two_steps'",
  );
  expect(rows[0]?.n).toBe(1);
});

test('the same version with other steps is a TemplateConflictError; a new version registers', async () => {
  const changed = { ...template, steps: template.steps.slice(0, 1) };
  await expect(registerTemplate(db.pool, changed)).rejects.toBeInstanceOf(TemplateConflictError);
  const bumped = await registerTemplate(db.pool, { ...changed, version: '1.1.0' });
  expect(bumped.version).toBe('1.1.0');
});

test('an invalid template is refused before any query', async () => {
  await expect(
    registerTemplate(db.pool, {
      ...template,
      name: 'cyclic',
      steps: [
        {
          name: 'chain_step_1',
          handler: 'noop',
          dependencies: ['chain_step_1'],
          retry: chain(1).steps[0]?.retry ?? { retryable: true, max_attempts: 1 },
        },
      ],
    }),
  ).rejects.toBeInstanceOf(TemplateValidationError);
});
