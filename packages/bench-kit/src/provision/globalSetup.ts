/**
 * Vitest global setup for every test and bench run: provisions PostgreSQL (DATABASE_URL,
 * testcontainers or embedded), migrates a template database once (PGMQ + tasker schema), provides
 * the connection to all files, and on teardown drops the run's databases and stops what it started.
 */
import type { TestProject } from 'vitest/node';
import { PrerequisiteError } from '../errors.ts';
import type { DatabaseServer } from './databaseServer.ts';
import { formatPrerequisites, type PrerequisiteLine } from './prerequisites.ts';
import './providedContext.ts';
import { createTemplateDatabase, dropRunDatabases, newRunId } from './runDatabases.ts';
import { chooseProvider, startDatabaseServer } from './startDatabaseServer.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const node = { ok: true, name: 'Node.js', detail: `${process.version} (${process.execPath})` };
  let server: DatabaseServer;
  try {
    server = await startDatabaseServer(chooseProvider());
  } catch (error) {
    const problem = error instanceof PrerequisiteError ? error : undefined;
    endRun([node, { ok: false, name: problem?.prerequisite ?? 'PostgreSQL', detail: describe(error) }]);
  }

  const runId = newRunId();
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    try {
      await dropRunDatabases(server.adminUrl, runId);
    } finally {
      await server.stop();
    }
  };

  try {
    const template = await createTemplateDatabase(server.adminUrl, runId);
    console.log(
      formatPrerequisites([
        node,
        { ok: true, name: 'PostgreSQL', detail: `${template.serverVersion} — ${server.description}` },
        {
          ok: true,
          name: 'PGMQ',
          detail:
            template.pgmq === 'extension'
              ? 'real pgmq extension'
              : "tasker's PGMQ-compatible SQL layer (no pgmq extension on this server)",
        },
      ]),
    );
    project.provide('tasker', {
      provider: server.kind,
      description: server.description,
      adminUrl: server.adminUrl,
      runId,
      templateDatabase: template.name,
      serverVersion: template.serverVersion,
      pgmq: template.pgmq,
      settings: template.settings,
    });
  } catch (error) {
    await cleanup().catch(() => undefined);
    endRun([node, { ok: false, name: 'PostgreSQL template database', detail: describe(error) }]);
  }
  return cleanup;
}

function describe(error: unknown): string {
  if (error instanceof PrerequisiteError)
    return `${error.message.split('\n')[0]?.replace(`${error.prerequisite}: `, '')}\n     → ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A run without its database cannot produce a trustworthy result: print what failed and what to do,
 * then exit non-zero. (Vitest 5 reports a throwing global setup but still exits with code 0.)
 */
function endRun(lines: PrerequisiteLine[]): never {
  console.error(formatPrerequisites(lines));
  console.error('tasker: a prerequisite failed (see ❌ above); nothing was run.');
  process.exit(1);
}
