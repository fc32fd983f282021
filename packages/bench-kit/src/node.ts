/**
 * @tasker/bench-kit/node: the harness's parts for a plain Node process — a globalSetup module, a
 * Vitest config, scripts/*.ts — where the main entry cannot load (it builds `benchTest` from
 * Vitest's test API at import, which throws outside a test worker; as `vitest` vs `vitest/node`):
 * provisioning and the template callback, the bench output layout and the profile, and what the
 * scripts read, compare and write.
 */
export {
  type AbResult,
  type AbRow,
  compareAb,
  DEFAULT_AB_THRESHOLD,
  type RoundFigures,
} from './ab/abCompare.ts';
export { formatAbTable } from './ab/formatAb.ts';
export { buildPrComment, formatBaselineChanges, missedTargets } from './ab/prComment.ts';
export { addWorktree, onInterrupt, resolveCommit, type Worktree } from './ab/worktree.ts';
export { BaselineError } from './baseline/baselineError.ts';
export { type BaselineRun, baselinePath, loadBaseline } from './baseline/baselineFile.ts';
export { compareRun, readBaselineVerdict } from './baseline/baselineReport.ts';
export { type MachineFloor, measureFloor } from './floor/measureFloor.ts';
export { compareWithHistory } from './history/compareWithHistory.ts';
export { formatHistoryTable } from './history/formatHistoryTable.ts';
export { readHistory } from './history/historyFile.ts';
export { figuresByKey, readCiReports, readRunSamples } from './history/latestRun.ts';
export {
  latestFiguresMarkdown,
  replaceFiguresSection,
  replaceSection,
  TARGETS_END,
  TARGETS_START,
  targetsMarkdown,
} from './html/latestFigures.ts';
export { gatherReportData } from './html/reportData.ts';
export { writeHtmlReport } from './html/writeHtmlReport.ts';
export { activeProfile, type ProfileName } from './measure/profiles.ts';
export {
  aggregateSelfTime,
  compareSelfTime,
  formatProfileComparison,
  type ProfileComparison,
} from './profile/compareProfiles.ts';
export { arrangeProfiles, profileRole } from './profile/profileLayout.ts';
export { formatProfileSummary, readCpuProfile, summarizeProfile } from './profile/summarizeProfile.ts';
export { type DatabaseServer, type ProviderKind, withDatabase } from './provision/databaseServer.ts';
export {
  EMBEDDED_SERVER_SETTINGS,
  loadEmbeddedPostgres,
  postgresFlags,
  SERVER_CAPACITY,
} from './provision/embeddedServer.ts';
export { type GlobalSetup, type ProvisionOptions, provisionGlobalSetup } from './provision/globalSetup.ts';
export { repoRoot, repoTmpDir } from './provision/paths.ts';
export {
  createTemplateDatabase,
  dropRunDatabases,
  newRunId,
  type PgmqFlavor,
  type PreparedTemplate,
  type PrepareTemplate,
  withClient,
} from './provision/runDatabases.ts';
export { chooseProvider, startDatabaseServer } from './provision/startDatabaseServer.ts';
export { type BenchmarkPaths, benchmarkPaths, benchmarksDir } from './report/benchmarkPaths.ts';
export { dumpSchema, type SchemaDumpOptions } from './schema/dumpSchema.ts';
export { bootstrapMedianRatio } from './stats/bootstrapMedianRatio.ts';
export { type SampleSummary, summarizeSamples } from './stats/summarizeSamples.ts';
export { targetRegistry } from './targets/registry.ts';
