/**
 * The worker's dispatch: claimed step → StepContext → handler (from the registry) under the handler
 * timeout → StepOutcome with serialized results. Never throws: every failure becomes a `failed`
 * outcome, retryable unless the handler said otherwise (StepHandlerError) or retrying cannot help
 * (unknown handler, unserializable result).
 */

import type { ClaimedStep } from '@tasker/shared';
import type pg from 'pg';
import {
  HandlerTimeoutError,
  ResultSerializationError,
  StepHandlerError,
  UnknownHandlerError,
} from '../errors.ts';
import type { HandlerRegistry } from '../handlers/handlerRegistry.ts';
import type { StepContext, StepDependency } from '../handlers/stepHandler.ts';
import { errorInfo, type StepOutcome, serializeResults } from './stepOutcome.ts';

export interface DispatchOptions {
  /** abort and fail (retryable) a handler still running after this long */
  timeoutMs: number;
  /** handed to handlers as `context.db` */
  db?: pg.Pool;
}

/** The StepContext of a claimed step (without running anything). */
export function buildStepContext(
  step: ClaimedStep,
  signal: AbortSignal,
  db: pg.Pool | undefined,
): StepContext {
  const dependencies: StepDependency[] = [];
  const parentResults: Record<string, unknown> = {};
  for (const d of step.dependencies) {
    dependencies.push({ stepUuid: d.step_uuid, name: d.name, results: d.results, distance: d.distance });
    if (d.distance === 1) parentResults[d.name] = d.results;
  }
  return {
    taskUuid: step.taskUuid,
    stepUuid: step.stepUuid,
    stepName: step.stepName,
    correlationId: step.correlationId,
    inputs: step.inputs,
    taskContext: step.taskContext,
    parentResults,
    dependencies,
    attempt: step.attempt,
    maxAttempts: step.maxAttempts,
    signal,
    db,
  };
}

export async function dispatchStep(
  registry: HandlerRegistry,
  step: ClaimedStep,
  options: DispatchOptions,
): Promise<StepOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  let value: unknown;
  try {
    const handler = registry.get(step.handler);
    value = handler(buildStepContext(step, controller.signal, options.db));
    if (isPromiseLike(value)) value = await withTimeout(value, controller, step.handler, options.timeoutMs);
  } catch (error) {
    return failedOutcome(error, started);
  }
  let results: string;
  try {
    results = serializeResults(value);
  } catch (error) {
    return failedOutcome(new ResultSerializationError(step.handler, { cause: error }), started);
  }
  return { state: 'completed', results, durationMs: performance.now() - started };
}

/** The `failed` outcome of `error`, timed from `started` (performance.now()); permanent for the errors retrying cannot mend. */
export function failedOutcome(error: unknown, started: number): StepOutcome {
  const info = errorInfo(error);
  const permanent =
    (error instanceof StepHandlerError && !error.retryable) ||
    error instanceof UnknownHandlerError ||
    error instanceof ResultSerializationError;
  return {
    state: 'failed',
    results: JSON.stringify({ error: { ...info, retryable: !permanent } }),
    error: info,
    retryable: !permanent,
    backoffSeconds: error instanceof StepHandlerError ? error.backoffSeconds : undefined,
    durationMs: performance.now() - started,
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function withTimeout(
  value: PromiseLike<unknown>,
  controller: AbortController,
  handler: string,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new HandlerTimeoutError(handler, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    value.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
