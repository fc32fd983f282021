/**
 * The cost of the boundary a handler is called across, with the noop handler: a direct call, the
 * worker's dispatch (registry lookup, context building, timeout guard, result serialization), and a
 * worker_threads pool (structured clone of the context in and the value out). No database.
 * Targets: direct ≤ 1 µs, dispatch ≤ 50 µs, worker thread ≤ 500 µs.
 */
import { benchSettings, benchTest as test } from '@tasker/bench-kit';
import { expect } from 'vitest';
import {
  BUILTIN_HANDLERS,
  type ClaimedStep,
  createHandlerRegistry,
  dispatchStep,
  HandlerThreadPool,
  type StepContext,
  type StepHandler,
  type StepOutcome,
  type ThreadStepContext,
} from '../src/index.ts';

const THREADS = 1;
const HANDLER_TIMEOUT_MS = 10_000;

const step: ClaimedStep = {
  outcome: 'claimed',
  queue: 'worker_bench_queue',
  msgId: '1',
  readCount: 1,
  taskUuid: '0192f1e2-0000-7000-8000-000000000001',
  stepUuid: '0192f1e2-0000-7000-8000-000000000002',
  correlationId: '0192f1e2-0000-7000-8000-000000000003',
  stepName: 'bench_step',
  handler: 'noop',
  attempt: 1,
  maxAttempts: 3,
  retryable: true,
  inputs: {},
  taskContext: { even_number: 6 },
  dependencies: [
    {
      step_uuid: '0192f1e2-0000-7000-8000-000000000004',
      name: 'parent',
      results: { result: '36' },
      distance: 1,
    },
  ],
};

const threadContext: ThreadStepContext = {
  taskUuid: step.taskUuid,
  stepUuid: step.stepUuid,
  stepName: step.stepName,
  correlationId: step.correlationId,
  inputs: step.inputs,
  taskContext: step.taskContext,
  parentResults: { parent: { result: '36' } },
  dependencies: [
    {
      stepUuid: '0192f1e2-0000-7000-8000-000000000004',
      name: 'parent',
      results: { result: '36' },
      distance: 1,
    },
  ],
  attempt: 1,
  maxAttempts: 3,
};

test('handler overhead: direct, dispatch, worker thread', async ({ bench }) => {
  const noop = BUILTIN_HANDLERS.noop as StepHandler;
  const context: StepContext = { ...threadContext, signal: new AbortController().signal, db: undefined };
  const registry = createHandlerRegistry();
  const pool = await HandlerThreadPool.start({ size: THREADS });
  try {
    // every call's value is kept and checked afterwards: the noop's {} from each boundary
    let directValue: unknown;
    let dispatchValue: StepOutcome | undefined;
    let threadValue: unknown;
    const calls = { direct: 0, dispatch: 0, thread: 0 };
    const direct = await bench('direct', () => {
      directValue = noop(context);
      calls.direct++;
    }).run(benchSettings('micro'));
    const dispatch = await bench('dispatch', async () => {
      dispatchValue = await dispatchStep(registry, step, { timeoutMs: HANDLER_TIMEOUT_MS });
      if (dispatchValue.state !== 'completed') throw new Error(`dispatch failed: ${dispatchValue.results}`);
      calls.dispatch++;
    }).run(benchSettings('micro'));
    const thread = await bench('worker thread', async () => {
      threadValue = await pool.run('noop', threadContext);
      calls.thread++;
    }).run(benchSettings('micro'));
    expect(directValue).toEqual({});
    expect(dispatchValue).toMatchObject({ state: 'completed', results: '{}' });
    expect(threadValue).toEqual({});
    const results = { direct, dispatch, thread };
    for (const [name, result] of Object.entries(results)) {
      // every call completed (warm-up ones too), and the figures are durations
      expect(calls[name as keyof typeof calls], name).toBeGreaterThanOrEqual(result.latency.samplesCount);
      expect(result.latency.samplesCount, name).toBeGreaterThanOrEqual(benchSettings('micro').iterations);
      expect(Number.isFinite(result.latency.mean) && result.latency.mean > 0, name).toBe(true);
    }
  } finally {
    await pool.close();
  }
});
