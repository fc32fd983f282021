/**
 * Spans of the in-process services, kept in memory: TracerProvider + SimpleSpanProcessor +
 * InMemorySpanExporter, registered as the global tracer provider (orchestration and worker trace
 * through @opentelemetry/api, whose proxy tracers pick it up even though they were created first).
 * Collection is off until `start()`, so timed benches pay nothing but a flag check per span.
 */
import { type Context, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** Forwards finished spans to `inner` only while switched on. */
class SwitchedProcessor implements SpanProcessor {
  on = false;
  readonly inner: SpanProcessor;
  constructor(inner: SpanProcessor) {
    this.inner = inner;
  }
  onStart(span: Span, parentContext: Context): void {
    if (this.on) this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    if (this.on) this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

export type SpanCollector = {
  start(): void;
  stop(): void;
  /** the spans finished since the last reset */
  spans(): ReadableSpan[];
  reset(): void;
};

let installed: SpanCollector | undefined;

/** Installs the collector once per process (later calls return the same one). */
export function installSpanCollector(): SpanCollector {
  if (installed) return installed;
  const exporter = new InMemorySpanExporter();
  const processor = new SwitchedProcessor(new SimpleSpanProcessor({ exporter }));
  const provider = new TracerProvider({ spanProcessors: [processor] });
  if (!trace.setGlobalTracerProvider(provider))
    throw new Error('installSpanCollector: another global tracer provider is already registered');
  installed = {
    start: () => {
      processor.on = true;
    },
    stop: () => {
      processor.on = false;
    },
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
  };
  return installed;
}
