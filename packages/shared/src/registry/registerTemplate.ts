/**
 * Registers workflow templates in the database (tasker.register_named_task, 08_registry.sql): the
 * namespace, the named task with the whole template as its configuration, its named steps (with
 * their retry policy) and the namespace's worker queue `worker_<namespace>_queue`. Idempotent for
 * an identical template; a changed template under a registered version is a TemplateConflictError.
 */
import pg from 'pg';
import type { Queryable } from '../db/queryable.ts';
import { toTaskerError } from '../sqlErrors.ts';
import { validateTemplate } from '../templates/validateTemplate.ts';
import type { WorkflowTemplate } from '../templates/workflowTemplate.ts';

export type RegisteredTemplate = {
  namedTaskUuid: string;
  namespace: string;
  name: string;
  version: string;
};

/**
 * Validates `template` (TemplateValidationError lists every problem) and registers it in one
 * statement. Returns the named task's uuid.
 */
export async function registerTemplate(
  db: Queryable,
  template: WorkflowTemplate,
): Promise<RegisteredTemplate> {
  validateTemplate(template);
  let rows: { uuid: string }[];
  try {
    ({ rows } = await db.query<{ uuid: string }>({
      name: 'tasker_register_named_task',
      text: 'select tasker.register_named_task($1::jsonb) as uuid',
      values: [JSON.stringify(template)],
    }));
  } catch (error) {
    throw toTaskerError(error);
  }
  const uuid = rows[0]?.uuid;
  if (uuid === undefined) throw new Error('tasker.register_named_task returned no row');
  return {
    namedTaskUuid: uuid,
    namespace: template.namespace,
    name: template.name,
    version: template.version,
  };
}

/** Registers several templates, in order, in one transaction when given a pool. */
export async function registerTemplates(
  db: Queryable,
  templates: readonly WorkflowTemplate[],
): Promise<RegisteredTemplate[]> {
  if (!(db instanceof pg.Pool)) return registerEach(db, templates);
  const client = await db.connect();
  try {
    await client.query('begin');
    const registered = await registerEach(client, templates);
    await client.query('commit');
    return registered;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function registerEach(
  db: Queryable,
  templates: readonly WorkflowTemplate[],
): Promise<RegisteredTemplate[]> {
  const registered: RegisteredTemplate[] = [];
  for (const template of templates) registered.push(await registerTemplate(db, template));
  return registered;
}
