/**
 * @tasker/shared/testing: the test machinery every package's tests and benches share, kept out of
 * the product entry (`@tasker/shared`): one bounded wait, one way to spawn a service and read its
 * output, one way to seed a task to run (seedTask, through create_task) beside a fixture of rows in
 * any state (insertTaskGraph), the template the harness clones (prepareTaskerTemplate; globalSetup.ts
 * wires it into the root Vitest config) and the benchmark dataset (seedDataset, set-based SQL in
 * ./sql/) with its stratified sample, and what tasker's committed schema dump holds
 * (TASKER_SCHEMA_DUMP). Node and pg only — no Vitest — so scripts outside Vitest can use it too.
 */
export { type EventuallyOptions, eventually } from './eventually.ts';
export {
  type InsertedTaskGraph,
  insertTaskGraph,
  type StepSpec,
  type TaskGraphSpec,
} from './insertTaskGraph.ts';
export { prepareTaskerTemplate } from './prepareTaskerTemplate.ts';
export { liveChildPids } from './process/childGroups.ts';
export { readLines } from './process/readLines.ts';
export { type ServiceProcess, type ServiceSpec, spawnService } from './process/spawnService.ts';
export {
  DEFAULT_SEED,
  DEFAULT_TEMPLATE_MIX,
  type SeededDataset,
  type SeededStep,
  type SeededTemplate,
  type SeedOptions,
  seedDataset,
  type TemplateShare,
} from './seedDataset.ts';
export { type SeededTask, type SeedTaskOptions, seedTask } from './seedTask.ts';
export {
  describeSample,
  type SampledStep,
  type SampledTask,
  type SampleOptions,
  type StratifiedSample,
  type Stratum,
  stratifiedSample,
} from './stratifiedSample.ts';
export { TASKER_SCHEMA_DUMP, TASKER_SCHEMA_DUMP_FILE } from './taskerSchemaDump.ts';
