/**
 * Records a comparison (comparison.ts) on the running test: a Vitest test artifact of type
 * `tasker:comparison`, like `record`'s measurements and `recordContext`'s labels. The reporter
 * turns it into one table — each cell the figure and its ratio to the reference row — in the
 * suite's log, its CI JSON (`comparisons`), the PR comment and the HTML report, which also draws
 * each measure as one chart with every row on the same axis.
 *
 * ```ts
 * await record(task, 'chain: A', { kind: 'latency', samplesMs: a });
 * await record(task, 'chain: B', { kind: 'latency', samplesMs: b });
 * await recordComparison(task, 'systems', {
 *   reference: 'A',
 *   measures: [{ name: 'chain', kind: 'latency', unit: 'ms', better: 'lower' }],
 *   rows: [
 *     { name: 'A', figures: { chain: { record: 'chain: A' } } },
 *     { name: 'B', figures: { chain: { record: 'chain: B' } } },
 *   ],
 * });
 * ```
 */
import { type RunnerTestCase, recordArtifact, type TestArtifact, type TestArtifactBase } from 'vitest';
import { type Comparison, validateComparison } from './comparison.ts';
import type { Measurement } from './measurement.ts';
import { isMeasurementArtifact } from './record.ts';

export const COMPARISON_ARTIFACT = 'tasker:comparison';

export interface ComparisonArtifact extends TestArtifactBase {
  type: typeof COMPARISON_ARTIFACT;
  /** the table's title, e.g. "peers" */
  title: string;
  comparison: Comparison;
}

declare module 'vitest' {
  interface TestArtifactRegistry {
    'tasker:comparison': ComparisonArtifact;
  }
}

/** Records `comparison` under `title`; every cell's record must have been recorded on `task` before. */
export async function recordComparison(
  task: RunnerTestCase,
  title: string,
  comparison: Comparison,
): Promise<void> {
  const recorded = new Map<string, Measurement>();
  for (const artifact of task.artifacts)
    if (isMeasurementArtifact(artifact)) recorded.set(artifact.name, artifact.measurement);
  validateComparison(title, comparison, recorded);
  await recordArtifact(task, { type: COMPARISON_ARTIFACT, title, comparison });
}

export function isComparisonArtifact(artifact: TestArtifact): artifact is ComparisonArtifact {
  return artifact.type === COMPARISON_ARTIFACT;
}
