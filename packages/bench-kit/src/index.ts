/** @tasker/bench-kit: the harness every test and bench uses (provisioning now; fixtures, sampling, targets and reports build on it). */
export { PrerequisiteError } from './errors.ts';
export { type BenchDatabase, benchTest } from './fixtures/benchTest.ts';
export {
  activeProfile,
  type BenchKind,
  type BenchRunSettings,
  benchSettings,
  type ProfileName,
} from './measure/profiles.ts';
export type { DatabaseServer, ProviderKind } from './provision/databaseServer.ts';
export { withDatabase } from './provision/databaseServer.ts';
export { embeddedRootDir, reapAbandonedServers } from './provision/embeddedServer.ts';
export type { ProvisionedDatabase } from './provision/providedContext.ts';
export { redactConnectionString } from './provision/redact.ts';
export { chooseProvider, startDatabaseServer } from './provision/startDatabaseServer.ts';
export {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseHandle,
  useTestDatabase,
} from './provision/testDatabase.ts';
