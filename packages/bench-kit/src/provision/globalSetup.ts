/**
 * The Vitest global setup of a test and bench run, made for the template it is given:
 * `provisionGlobalSetup({ prepareTemplate })` returns the setup function a globalSetup module
 * exports (tasker's: packages/shared/src/testing/globalSetup.ts). It provisions PostgreSQL
 * (DATABASE_URL, testcontainers or embedded), prepares a template database once with the callback,
 * measures the machine's floor on that server (in a scratch database, dropped at once), prints the
 * prerequisites banner, provides the connection and the floor to all files and the reporter, and on
 * teardown drops the run's databases and stops what it started.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PrerequisiteError } from '../errors.ts';
import { type MachineFloor, measureFloor } from '../floor/measureFloor.ts';
import { type DbProfile, startDbProfile } from '../profile/dbProfile.ts';
import { type DatabaseServer, withDatabase } from './databaseServer.ts';
import { formatPrerequisites, type PrerequisiteLine, provisionedPrerequisites } from './prerequisites.ts';
import './providedContext.ts';
import {
  cloneName,
  createTemplateDatabase,
  dropDatabase,
  dropRunDatabases,
  newRunId,
  type PrepareTemplate,
  withClient,
} from './runDatabases.ts';
import { chooseProvider, startDatabaseServer } from './startDatabaseServer.ts';

export interface ProvisionOptions {
  /** prepares the run's template database, which every file's database is cloned from */
  prepareTemplate: PrepareTemplate;
}

export type GlobalSetup = (project: TestProject) => Promise<() => Promise<void>>;

/** The setup function of a globalSetup module: `export default provisionGlobalSetup({ prepareTemplate })`. */
export function provisionGlobalSetup({ prepareTemplate }: ProvisionOptions): GlobalSetup {
  return (project) => setup(project, prepareTemplate);
}

async function setup(project: TestProject, prepareTemplate: PrepareTemplate): Promise<() => Promise<void>> {
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
  let dbProfile: DbProfile | undefined;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    try {
      // before the databases are dropped and the server (and its log) goes
      await dbProfile?.finish().catch((error: unknown) => console.error(`❌ ${describe(error)}`));
      await dropRunDatabases(server.adminUrl, runId);
    } finally {
      await server.stop();
    }
  };

  let template: Awaited<ReturnType<typeof createTemplateDatabase>>;
  try {
    template = await createTemplateDatabase(server.adminUrl, runId, prepareTemplate);
  } catch (error) {
    await cleanup().catch(() => undefined);
    endRun([node, { ok: false, name: 'PostgreSQL template database', detail: describe(error) }]);
  }
  const facts = {
    node: node.detail,
    postgresVersion: template.serverVersion,
    description: server.description,
    pgmq: template.pgmq,
  };
  try {
    const floor = await floorOfServer(server.adminUrl, runId);
    console.log(formatPrerequisites(provisionedPrerequisites({ ...facts, floor })));
    project.provide('tasker', {
      provider: server.kind,
      description: server.description,
      adminUrl: server.adminUrl,
      runId,
      templateDatabase: template.name,
      serverVersion: template.serverVersion,
      pgmq: template.pgmq,
      serverLog: server.serverLog,
      settings: template.settings,
      floor,
    });
    dbProfile = await dbProfileIfAsked(server, runId);
  } catch (error) {
    await cleanup().catch(() => undefined);
    const lines = provisionedPrerequisites({ ...facts, floor: undefined });
    endRun(lines.map((line) => (line.ok ? line : { ...line, detail: describe(error) })));
  }
  return cleanup;
}

/** The floor, measured in a scratch database of the run so the template stays as migrated. */
async function floorOfServer(adminUrl: string, runId: string): Promise<MachineFloor> {
  const scratch = cloneName(runId, 'floor');
  await withClient(adminUrl, (admin) => admin.query(`create database ${pg.escapeIdentifier(scratch)}`));
  try {
    return await measureFloor(withDatabase(adminUrl, scratch));
  } finally {
    await dropDatabase(adminUrl, scratch);
  }
}

/**
 * `bench:profile --db` (scripts/bench-profile.ts) sets TASKER_DB_PROFILE to its output directory.
 * Started after the floor, so the banner's floor is the plain server's; a profile that cannot start
 * is reported and the benches run without it.
 */
async function dbProfileIfAsked(server: DatabaseServer, runId: string): Promise<DbProfile | undefined> {
  const outDir = process.env.TASKER_DB_PROFILE;
  if (!outDir) return undefined;
  const { adminUrl, kind: provider, description, serverLog } = server;
  try {
    return await startDbProfile({ outDir, adminUrl, runId, provider, description, serverLog });
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? `: ${describe(error.cause)}` : '';
    console.error(`❌ ${describe(error)}${cause}`);
    return undefined;
  }
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
