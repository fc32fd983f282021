/**
 * The one harness API for measurements a bench records itself. Transport: Vitest 5's test artifacts
 * (`recordArtifact`, a custom `tasker:measurement` type registered in `TestArtifactRegistry`). The
 * artifact travels from the worker to the main process with the test and reaches every reporter as
 * `testCase.artifacts()`, next to `testCase.benchmarks()` — no side files, no globals.
 *
 * ```ts
 * test('load run', async ({ task, db }) => {
 *   await record(task, 'send (batch 100)', { kind: 'throughput', perSecond, unit: 'msgs' });
 * });
 * ```
 */
import { type RunnerTestCase, recordArtifact, type TestArtifact, type TestArtifactBase } from 'vitest';
import { type Measurement, validateMeasurement } from './measurement.ts';

export const MEASUREMENT_ARTIFACT = 'tasker:measurement';

export interface MeasurementArtifact extends TestArtifactBase {
  type: typeof MEASUREMENT_ARTIFACT;
  /** Stable name; with the suite (bench file) it is the key of the target registry. */
  name: string;
  measurement: Measurement;
}

declare module 'vitest' {
  interface TestArtifactRegistry {
    'tasker:measurement': MeasurementArtifact;
  }
}

/** Records `measurement` under `name` on the running test (`task` from the test context). */
export async function record(task: RunnerTestCase, name: string, measurement: Measurement): Promise<void> {
  validateMeasurement(name, measurement);
  await recordArtifact(task, { type: MEASUREMENT_ARTIFACT, name, measurement });
}

export function isMeasurementArtifact(artifact: TestArtifact): artifact is MeasurementArtifact {
  return artifact.type === MEASUREMENT_ARTIFACT;
}
