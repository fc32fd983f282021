/**
 * The worker's OpenTelemetry spans, through @opentelemetry/api only (a no-op until the embedding
 * process registers an SDK, as tasker-worker does when configured: startTelemetry.ts): step.claim,
 * handler.execute, result.submit, each with the task's correlation id (tasker.correlation_id,
 * CORRELATION_ID_ATTRIBUTE), tasker.task_uuid and tasker.step_uuid. handler.execute and
 * result.submit are children of the step's step.claim.
 */
import { type Attributes, type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ClaimedStep, CORRELATION_ID_ATTRIBUTE } from '@tasker/shared';

export const tracer = trace.getTracer('@tasker/worker');

/** epoch milliseconds of a performance.now() reading, as span times */
export const epochMs = (perfNow: number): number => performance.timeOrigin + perfNow;

export function stepAttributes(step: ClaimedStep): Attributes {
  return {
    [CORRELATION_ID_ATTRIBUTE]: step.correlationId,
    'tasker.task_uuid': step.taskUuid,
    'tasker.step_uuid': step.stepUuid,
    'tasker.step_name': step.stepName,
    'tasker.handler': step.handler,
    'tasker.attempt': step.attempt,
    'tasker.queue': step.queue,
  };
}

/**
 * The step.claim span of one claimed step, covering the claim round trip it came from; a successor
 * (claimed by its parent's completion, inside that result.submit) gets an empty span at its end.
 */
export function recordClaimSpan(
  step: ClaimedStep,
  startedAt: number,
  endedAt: number,
  successor = false,
): Context {
  const span = tracer.startSpan('step.claim', {
    startTime: epochMs(startedAt),
    attributes: {
      ...stepAttributes(step),
      'tasker.reclaimed': step.outcome === 'reclaimed',
      'tasker.successor': successor,
    },
  });
  span.end(epochMs(endedAt));
  return trace.setSpan(context.active(), span);
}

/** Runs `fn` in a child span of `parent`; an exception marks the span as errored and is rethrown. */
export async function inSpan<T>(
  name: string,
  parent: Context,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { attributes }, parent);
  try {
    return await fn(span);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
