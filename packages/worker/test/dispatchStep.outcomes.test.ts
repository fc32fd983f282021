/**
 * dispatchStep without a database: context building, the built-in handlers (and that the test
 * handlers are not among them unless asked for), result serialization (bigints), and every way a
 * handler fails (retryable, permanent, timeout, unknown, unserializable).
 */
import { diamondPattern, expectedResults } from '@tasker/shared';
import { describe, expect, test } from 'vitest';
import {
  type ClaimedStep,
  createHandlerRegistry,
  dispatchStep,
  type StepContext,
  TEST_HANDLERS,
} from '../src/index.ts';

function claimed(handler: string, overrides: Partial<ClaimedStep> = {}): ClaimedStep {
  return {
    outcome: 'claimed',
    queue: 'worker_test_queue',
    msgId: '1',
    readCount: 1,
    taskUuid: '0192f1e2-0000-7000-8000-000000000001',
    stepUuid: '0192f1e2-0000-7000-8000-000000000002',
    correlationId: '0192f1e2-0000-7000-8000-000000000003',
    stepName: 'step',
    handler,
    attempt: 1,
    maxAttempts: 3,
    retryable: true,
    inputs: {},
    taskContext: { even_number: 6 },
    dependencies: [],
    ...overrides,
  };
}

const OPTIONS = { timeoutMs: 1_000 };

describe('dispatchStep', () => {
  test('a registry has the built-ins; the test handlers only when asked for', async () => {
    const builtins = ['increment', 'multiply_and_square', 'noop', 'square', 'sum'];
    expect(createHandlerRegistry().names()).toEqual(builtins);
    expect(createHandlerRegistry(TEST_HANDLERS).names()).toEqual(
      [...builtins, 'database', 'fail', 'sleep'].sort(),
    );
    const outcome = await dispatchStep(createHandlerRegistry(), claimed('fail'), OPTIONS);
    expect(outcome).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { code: 'TASKER_UNKNOWN_HANDLER' },
    });
  });

  test('noop completes with {}', async () => {
    const outcome = await dispatchStep(createHandlerRegistry(), claimed('noop'), OPTIONS);
    expect(outcome).toMatchObject({ state: 'completed', results: '{}' });
  });

  test('arithmetic: a root squares even_number; a fan-in multiplies its parents and squares, in bigint', async () => {
    const registry = createHandlerRegistry();
    expect((await dispatchStep(registry, claimed('square'), OPTIONS)).results).toBe('{"result":"36"}');
    const expected = expectedResults(diamondPattern, { even_number: 6 });
    const left = expected.get('diamond_branch_left')?.toString();
    const right = expected.get('diamond_branch_right')?.toString();
    const end = await dispatchStep(
      registry,
      claimed('multiply_and_square', {
        dependencies: [
          { step_uuid: 'a', name: 'diamond_branch_left', results: { result: left }, distance: 1 },
          { step_uuid: 'b', name: 'diamond_branch_right', results: { result: right }, distance: 1 },
          { step_uuid: 'c', name: 'diamond_start', results: { result: '36' }, distance: 2 },
        ],
      }),
      OPTIONS,
    );
    expect(end.results).toBe(JSON.stringify({ result: expected.get('diamond_end')?.toString() }));
  });

  test('the context carries inputs, task context, parents by name and every ancestor', async () => {
    let seen: StepContext | undefined;
    const registry = createHandlerRegistry({
      capture: (context) => {
        seen = context;
        return { ok: true };
      },
    });
    await dispatchStep(
      registry,
      claimed('capture', {
        inputs: { k: 1 },
        dependencies: [
          { step_uuid: 'p', name: 'parent', results: { x: 1 }, distance: 1 },
          { step_uuid: 'g', name: 'grandparent', results: { y: 2 }, distance: 2 },
        ],
      }),
      OPTIONS,
    );
    expect(seen?.inputs).toEqual({ k: 1 });
    expect(seen?.taskContext).toEqual({ even_number: 6 });
    expect(seen?.parentResults).toEqual({ parent: { x: 1 } });
    expect(seen?.dependencies.map((d) => [d.name, d.distance])).toEqual([
      ['parent', 1],
      ['grandparent', 2],
    ]);
    expect(seen?.signal.aborted).toBe(false);
  });

  test('fail is retryable by default, permanent on request, and stores the error as results', async () => {
    const registry = createHandlerRegistry(TEST_HANDLERS);
    const retryable = await dispatchStep(registry, claimed('fail', { inputs: { message: 'boom' } }), OPTIONS);
    expect(retryable).toMatchObject({
      state: 'failed',
      retryable: true,
      error: { message: 'boom', code: 'TASKER_STEP_HANDLER' },
    });
    expect(JSON.parse(retryable.results)).toMatchObject({ error: { message: 'boom', retryable: true } });
    const permanent = await dispatchStep(registry, claimed('fail', { inputs: { permanent: true } }), OPTIONS);
    expect(permanent).toMatchObject({ state: 'failed', retryable: false });
    const later = await dispatchStep(
      registry,
      claimed('fail', { attempt: 2, inputs: { succeed_on_attempt: 2 } }),
      OPTIONS,
    );
    expect(later).toMatchObject({ state: 'completed', results: '{"succeeded_on_attempt":2}' });
  });

  test('a handler past the timeout fails retryable and sees its signal aborted', async () => {
    let signal: AbortSignal | undefined;
    const registry = createHandlerRegistry({
      hang: (context) => {
        signal = context.signal;
        return new Promise(() => undefined);
      },
    });
    const outcome = await dispatchStep(registry, claimed('hang'), { timeoutMs: 30 });
    expect(outcome).toMatchObject({
      state: 'failed',
      retryable: true,
      error: { code: 'TASKER_HANDLER_TIMEOUT' },
    });
    expect(signal?.aborted).toBe(true);
    const slept = await dispatchStep(
      createHandlerRegistry(TEST_HANDLERS),
      claimed('sleep', { inputs: { ms: 5_000 } }),
      {
        timeoutMs: 30,
      },
    );
    expect(slept).toMatchObject({ state: 'failed', error: { code: 'TASKER_HANDLER_TIMEOUT' } });
  });

  test('an unknown handler and an unserializable result fail permanently', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const registry = createHandlerRegistry({ cyclic: () => cyclic });
    expect(await dispatchStep(registry, claimed('nope'), OPTIONS)).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { code: 'TASKER_UNKNOWN_HANDLER' },
    });
    expect(await dispatchStep(registry, claimed('cyclic'), OPTIONS)).toMatchObject({
      state: 'failed',
      retryable: false,
      error: { code: 'TASKER_RESULT_SERIALIZATION' },
    });
  });

  test('a thrown non-error and a rejected promise are retryable failures', async () => {
    const registry = createHandlerRegistry({
      throws_string: () => {
        throw 'plain';
      },
      rejects: async () => Promise.reject(new TypeError('bad')),
    });
    expect(await dispatchStep(registry, claimed('throws_string'), OPTIONS)).toMatchObject({
      state: 'failed',
      retryable: true,
      error: { message: 'plain' },
    });
    expect(await dispatchStep(registry, claimed('rejects'), OPTIONS)).toMatchObject({
      state: 'failed',
      retryable: true,
      error: { name: 'TypeError', message: 'bad' },
    });
  });
});
