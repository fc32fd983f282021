/**
 * A label is not a figure. What a bench wants to say about the setting it measured in — which
 * driver the runtime uses, how the peers were configured — is context: text, with no unit, no
 * target and nothing to compare between runs. `recordContext` carries it to the reporter (a Vitest
 * test artifact of type `tasker:context`, like `record`'s measurements), which lists it under
 * `## Context` in the suite's log and in the CI JSON's `context`, never in a figures table.
 *
 * ```ts
 * await recordContext(task, 'runtime driver', 'pg', 'the services and every SQL wrapper take a pg client');
 * ```
 */
import { type RunnerTestCase, recordArtifact, type TestArtifact, type TestArtifactBase } from 'vitest';

export const CONTEXT_ARTIFACT = 'tasker:context';

export interface ContextArtifact extends TestArtifactBase {
  type: typeof CONTEXT_ARTIFACT;
  /** what the label is about, e.g. "runtime driver" */
  name: string;
  /** the label itself, e.g. "pg" */
  value: string;
  note?: string;
}

declare module 'vitest' {
  interface TestArtifactRegistry {
    'tasker:context': ContextArtifact;
  }
}

export async function recordContext(
  task: RunnerTestCase,
  name: string,
  value: string,
  note?: string,
): Promise<void> {
  if (typeof name !== 'string' || name.trim() === '')
    throw new TypeError('recordContext: name must be a non-empty string');
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(
      `recordContext("${name}"): value must be a non-empty string, got ${JSON.stringify(value)}`,
    );
  if (note !== undefined && typeof note !== 'string')
    throw new TypeError(`recordContext("${name}"): note must be a string when given`);
  await recordArtifact(task, { type: CONTEXT_ARTIFACT, name, value, ...(note ? { note } : {}) });
}

export function isContextArtifact(artifact: TestArtifact): artifact is ContextArtifact {
  return artifact.type === CONTEXT_ARTIFACT;
}
