/**
 * The worker's spans through @opentelemetry/api, captured by a minimal recording TracerProvider
 * (no SDK): one step yields step.claim, handler.execute and result.submit, each with
 * tasker.correlation_id, tasker.task_uuid and tasker.step_uuid; the latter two are children of
 * step.claim.
 */
import { randomBytes } from 'node:crypto';
import {
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { useTestDatabase } from '@tasker/bench-kit';
import { CORRELATION_ID_ATTRIBUTE } from '@tasker/shared';
import { eventually, seedTask } from '@tasker/shared/testing';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startWorker } from '../src/index.ts';
import { singleStep, stepInState } from './helpers/workerSteps.ts';

type Recorded = {
  name: string;
  attributes: Attributes;
  spanId: string;
  parentId: string | undefined;
  ended: boolean;
};
const recorded: Recorded[] = [];

function recordingSpan(name: string, options: SpanOptions | undefined, parent: Context | undefined): Span {
  const spanContext: SpanContext = {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
  };
  const entry: Recorded = {
    name,
    attributes: { ...options?.attributes },
    spanId: spanContext.spanId,
    parentId: parent ? trace.getSpan(parent)?.spanContext().spanId : undefined,
    ended: false,
  };
  recorded.push(entry);
  const span: Span = {
    spanContext: () => spanContext,
    setAttribute: (key, value) => {
      if (value !== undefined) entry.attributes[key] = value;
      return span;
    },
    setAttributes: (attributes) => {
      Object.assign(entry.attributes, attributes);
      return span;
    },
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: () => span,
    updateName: () => span,
    end: () => {
      entry.ended = true;
    },
    isRecording: () => true,
    recordException: () => undefined,
  };
  return span;
}

const tracer = {
  startSpan: (name: string, options?: SpanOptions, parent?: Context) => recordingSpan(name, options, parent),
  startActiveSpan: () => {
    throw new Error('not used by the worker');
  },
} as unknown as Tracer;

const db = useTestDatabase();
beforeAll(() => {
  trace.setGlobalTracerProvider({ getTracer: () => tracer });
});
afterAll(() => {
  trace.disable();
});

test('one step: step.claim, handler.execute and result.submit with the step identifiers', async () => {
  const worker = await startWorker({
    connectionString: db.connectionString,
    namespaces: ['traced'],
    resultHandoff: 'queue',
  });
  try {
    const task = await seedTask(db.pool, singleStep('traced', 'noop'));
    const step = task.steps.get('only') ?? '';
    await stepInState(db.pool, step, 'enqueued_for_orchestration');
    await eventually('the result.submit span to end', () =>
      recorded.some((s) => s.name === 'result.submit' && s.ended),
    );
    const ids = {
      [CORRELATION_ID_ATTRIBUTE]: task.correlationId,
      'tasker.task_uuid': task.taskUuid,
      'tasker.step_uuid': step,
    };
    const byName = new Map(recorded.map((span) => [span.name, span]));
    expect([...byName.keys()].sort()).toEqual(['handler.execute', 'result.submit', 'step.claim']);
    for (const span of byName.values()) {
      expect(span.attributes).toMatchObject(ids);
      expect(span.ended).toBe(true);
    }
    const claim = byName.get('step.claim');
    expect(byName.get('handler.execute')?.parentId).toBe(claim?.spanId);
    expect(byName.get('result.submit')?.parentId).toBe(claim?.spanId);
    expect(byName.get('result.submit')?.attributes['tasker.submit_status']).toBe('submitted');
  } finally {
    await worker.close();
  }
});
