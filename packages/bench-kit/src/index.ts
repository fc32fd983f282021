/** @tasker/bench-kit: the harness every test and bench uses (provisioning, fixtures, sampling, the cost meter, targets and reports). */

export { BaselineError } from './baseline/baselineError.ts';
export { type BaselineRun, loadBaseline, saveBaseline } from './baseline/baselineFile.ts';
export {
  type BaselineComparison,
  compareFigure,
  compareToBaseline,
  type FigureComparison,
} from './baseline/compareToBaseline.ts';
export { type FigureTest, type FigureVerdict, figureVerdict } from './baseline/figureVerdict.ts';
export {
  type Better,
  type Figure,
  type FigureKind,
  type RunFigures,
  runFigures,
} from './baseline/runFigures.ts';
export {
  type CostCount,
  type CostFigures,
  type CostMeter,
  type CostMeterOptions,
  startCostMeter,
} from './cost/costMeter.ts';
export { processCpuMs } from './cost/procStat.ts';
export {
  addCosts,
  type CostPerUnit,
  type CostUnit,
  costPerUnit,
  recordCost,
} from './cost/recordCost.ts';
export { DbProfileError, PrerequisiteError } from './errors.ts';
export { type ExplainOptions, explainQuery, recordQueryPlan } from './explain/explainQuery.ts';
export { type PlanSummary, summarizePlan } from './explain/planSummary.ts';
export { type BenchDatabase, benchTest } from './fixtures/benchTest.ts';
export { type InterleavedCase, type InterleavedOptions, sampleInterleaved } from './measure/interleave.ts';
export {
  activeProfile,
  type BenchKind,
  type BenchRunSettings,
  benchSettings,
  DATASET_SIZES,
  datasetSize,
  type ProfileName,
} from './measure/profiles.ts';
export { queueLength } from './measure/queueLength.ts';
export {
  groupSlowStatements,
  type LoggedPlan,
  type ParsedLog,
  type PlanNode,
  parseAutoExplainLog,
  planOutline,
  type SlowStatement,
} from './profile/autoExplainLog.ts';
export {
  AUTO_EXPLAIN_MIN_MS,
  type DbProfile,
  type DbProfileOptions,
  startDbProfile,
  WAIT_SAMPLE_INTERVAL_MS,
} from './profile/dbProfile.ts';
export {
  buildDbProfileReport,
  type DbProfileInput,
  type DbProfileReport,
  type DbProfileSection,
  formatDbProfile,
} from './profile/dbProfileReport.ts';
export { combineStatements, readStatementStats, type StatementStat } from './profile/statementStats.ts';
export {
  firstWords,
  startWaitSampler,
  type WaitCount,
  type WaitSampler,
  type WaitSamples,
} from './profile/waitSampler.ts';
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
export type {
  Comparison,
  ComparisonFigure,
  ComparisonMeasure,
  ComparisonRow,
} from './record/comparison.ts';
export type { Measurement, MeasurementKind } from './record/measurement.ts';
export { type MeasurementArtifact, record } from './record/record.ts';
export { type ComparisonArtifact, recordComparison } from './record/recordComparison.ts';
export { type ContextArtifact, recordContext } from './record/recordContext.ts';
export { BenchReporter } from './report/reporter.ts';
export {
  dumpSchema,
  SchemaDumpError,
  type SchemaDumpOptions,
} from './schema/dumpSchema.ts';
export { bootstrapMedianRatio, type RatioInterval } from './stats/bootstrapMedianRatio.ts';
export { type MannWhitneyResult, mannWhitneyU } from './stats/mannWhitney.ts';
export { median } from './stats/median.ts';
export { percentile, type ReportedPercentile, reportedPercentile } from './stats/percentile.ts';
export { type SampleSummary, summarizeSamples } from './stats/summarizeSamples.ts';
export { classifyOutliers, type OutlierCounts } from './stats/tukeyOutliers.ts';
export {
  BENCH_NAMES,
  COST_NAMES,
  E2E_LATENCY_NAMES,
  EVENT_PROPAGATION_NAMES,
  type FigureName,
  figureName,
  PEERS_NAMES,
  PGMQ_NAMES,
  pgmqBatchLabel,
  SCALING_NAMES,
  SQL_FUNCTIONS_NAMES,
  STEP_COST_NAMES,
  TASK_INITIALIZATION_NAMES,
  THROUGHPUT_NAMES,
} from './targets/benchNames.ts';
export { targetRegistry } from './targets/registry.ts';
export {
  DEFAULT_NOISE,
  type Target,
  type TargetMetric,
  type TargetRegistry,
  targetKey,
} from './targets/target.ts';
