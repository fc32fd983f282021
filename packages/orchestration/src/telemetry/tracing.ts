/**
 * Spans of the orchestration service through @opentelemetry/api only: without an SDK registered by
 * the host process they are no-ops. Names and attributes follow /work/shared/design.md:
 * task.create, steps.enqueue, result.process, task.finalize, each with the task's correlation id
 * (tasker.correlation_id, CORRELATION_ID_ATTRIBUTE) and tasker.task_uuid (result.process: also
 * tasker.step_uuid). A service process exports them when configured (startTelemetry.ts).
 *
 * steps.enqueue and task.finalize happen inside one SQL statement; their spans are placed inside
 * the parent's time window from the phase durations PostgreSQL measured (clock_timestamp deltas).
 */
import { type Attributes, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

export const tracer = trace.getTracer('@tasker/orchestration', '0.1.0');

/** Runs `fn` inside an active span named `name`; records an exception and error status on throw. */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Records a finished child span of `parent` that started `offsetMs` after `parentStart` (epoch ms)
 * and lasted `durationMs`. Nothing when `parent` does not record (no SDK registered, or not
 * sampled): the SDK's default, parent-based sampling would not record the child either, and the
 * no-op path cost ~0.5 µs a span (a context, a span, the attributes) on every task and result.
 */
export function recordChildSpan(
  parent: Span,
  name: string,
  parentStart: number,
  offsetMs: number,
  durationMs: number,
  attributes: Attributes,
): void {
  if (!parent.isRecording()) return;
  const ctx = trace.setSpan(context.active(), parent);
  const start = parentStart + offsetMs;
  const child = tracer.startSpan(name, { attributes, startTime: start }, ctx);
  child.end(start + durationMs);
}
