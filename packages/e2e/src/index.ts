/** @tasker/e2e: the system runner (in-process, cluster, remote), trace breakdowns and load shapes. */

// the children every spawned service is tracked among (cluster children included), for the cost meter
export { liveChildPids } from '@tasker/shared/testing';
export { ChildProcessError, UnsupportedInModeError } from './errors.ts';
export { type AwaitTasksOptions, awaitTasksComplete } from './load/awaitTasks.ts';
export { createTasks, type TaskRef } from './load/createTasks.ts';
export { arrivalSchedule, type OpenLoopResult, runOpenLoop } from './load/openLoop.ts';
export { type TaskVerification, verifyTasks } from './load/verifyTasks.ts';
export { childStartUpCpuMs } from './system/childProcesses.ts';
export type { ProcessMemory } from './system/memoryProtocol.ts';
export {
  checkRemoteHealth,
  type RemoteTarget,
  remoteTargetFromEnv,
} from './system/remoteSystem.ts';
export { resultHandoffFromEnv, startSystem } from './system/startSystem.ts';
export { systemTest } from './system/systemTest.ts';
export type {
  SystemMode,
  SystemOptions,
  TaskerSystem,
  WorkerGroup,
  WorkerGroupOptions,
} from './system/taskerSystem.ts';
export {
  comparePhases,
  HOP_PHASES,
  largestShareDifference,
  type PhaseAgreement,
  shares,
} from './tracing/comparePhases.ts';
export type { ReceivedSpan } from './tracing/otlpJson.ts';
export {
  type OtlpReceiver,
  type OtlpReceiverOptions,
  otlpExportEnv,
  startOtlpReceiver,
} from './tracing/otlpReceiver.ts';
export {
  groupByCorrelation,
  meanPhases,
  PHASES,
  type Phase,
  type PhaseTimes,
  type SpanTimes,
  taskPhases,
} from './tracing/phaseBreakdown.ts';
export { installSpanCollector, type SpanCollector } from './tracing/spanCollector.ts';
