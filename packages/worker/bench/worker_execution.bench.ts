/**
 * What a worker adds to every step: claim (read + CAS enqueued → in_progress + handler context, one
 * round trip), execute (dispatch + handler) and submit (CAS + result message + archive, one round
 * trip), each timed alone and together, with the noop, arithmetic (square) and database handlers.
 * Every iteration of a bench that claims gets a fresh enqueued step and its message in the bench
 * hooks, outside the timed function (execute alone changes no state, so it reuses one claimed step);
 * each bench leaves its queue empty. `claim + submit` runs the noop handler in between (µs).
 * Target: claim + submit ≤ 3 ms at p50. The p50 of each phase is also recorded as a breakdown.
 */
import { benchSettings, queueLength, record, benchTest as test } from '@tasker/bench-kit';
import {
  type ClaimedStep,
  claimStepMessages,
  ensureQueue,
  isClaimed,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  registerTemplate,
  submitStepResult,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';
import { expect } from 'vitest';
import { createHandlerRegistry, dispatchStep, type StepOutcome, TEST_HANDLERS } from '../src/index.ts';

const NAMESPACE = 'bench_exec';
const QUEUE = workerQueueName(NAMESPACE);
const RESULTS_QUEUE = ORCHESTRATION_STEP_RESULTS_QUEUE;
const VISIBILITY_TIMEOUT_S = 30;
const HANDLER_TIMEOUT_MS = 10_000;
const HANDLERS = ['noop', 'square', 'database'] as const;
type HandlerName = (typeof HANDLERS)[number];

/**
 * One single-step template per handler, registered once; each iteration creates a task of one
 * through tasker.create_task (the engine's own creation: the step enqueued, its message sent).
 * Returns each handler's named step.
 */
async function setUp(pool: pg.Pool): Promise<Map<HandlerName, string>> {
  await ensureQueue(pool, RESULTS_QUEUE);
  const retry = { retryable: true, max_attempts: 3 };
  for (const handler of HANDLERS)
    await registerTemplate(pool, {
      namespace: NAMESPACE,
      name: templateName(handler),
      version: '1.0.0',
      steps: [{ name: 'only', handler, dependencies: [], retry }],
    });
  const { rows } = await pool.query<{ handler: HandlerName; uuid: string }>(
    `select ns.handler, ns.named_step_uuid as uuid
     from tasker.named_steps ns join tasker.named_tasks nt using (named_task_uuid)
     where nt.name = any($1::text[])`,
    [HANDLERS.map(templateName)],
  );
  return new Map(rows.map((row) => [row.handler, row.uuid]));
}

const templateName = (handler: HandlerName) => `worker_execution_${handler}`;

/** A task of the handler's template, its step enqueued and its message sent (one statement). */
async function enqueueOne(pool: pg.Pool, handler: HandlerName): Promise<void> {
  await pool.query({
    name: 'bench_worker_execution_create',
    text: `select tasker.create_task($1, $2, null, '{"even_number": 6}'::jsonb, gen_random_uuid()::text)`,
    values: [NAMESPACE, templateName(handler)],
  });
}

const TIMEOUT_MS = 300_000;

test('worker execution: claim, execute, submit', { timeout: TIMEOUT_MS }, async ({ bench, db, task }) => {
  const namedSteps = await setUp(db.pool);
  const registry = createHandlerRegistry(TEST_HANDLERS); // the database handler is a test handler
  const client: pg.PoolClient = await db.pool.connect();
  let claimed: ClaimedStep | undefined;
  let outcome: StepOutcome | undefined;
  /** steps enqueued and results submitted: each enqueued step must end submitted, exactly once */
  let enqueued = 0;
  let submitted = 0;
  const enqueue = async (handler: HandlerName) => {
    await enqueueOne(db.pool, handler);
    enqueued++;
  };

  const claimOne = async (): Promise<ClaimedStep> => {
    const [result] = await claimStepMessages(client, QUEUE, {
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_S,
      qty: 1,
    });
    if (!result || !isClaimed(result))
      throw new Error(`expected a claimed step, got ${result?.outcome ?? 'nothing'}`);
    return result;
  };
  const execute = (step: ClaimedStep) =>
    dispatchStep(registry, step, { timeoutMs: HANDLER_TIMEOUT_MS, db: db.pool });
  const submit = async (step: ClaimedStep, result: StepOutcome) => {
    const status = await submitStepResult(client, step, result);
    if (status !== 'submitted') throw new Error(`submit returned ${status}`);
    submitted++;
  };
  /** the untimed remainder of a step after a bench that timed only part of it */
  const finish = async () => {
    if (claimed) await submit(claimed, outcome ?? (await execute(claimed)));
    claimed = undefined;
    outcome = undefined;
  };

  try {
    const claim = await bench('claim', { beforeEach: () => enqueue('noop'), afterEach: finish }, async () => {
      claimed = await claimOne();
    }).run(benchSettings('db'));

    const submitOnly = await bench(
      'submit',
      {
        beforeEach: async () => {
          await enqueue('noop');
          claimed = await claimOne();
          outcome = await execute(claimed);
        },
        afterEach: () => {
          claimed = undefined;
          outcome = undefined;
        },
      },
      async () => {
        if (!claimed || !outcome) throw new Error('no claimed step');
        await submit(claimed, outcome);
      },
    ).run(benchSettings('db'));

    // execute changes no state (dispatch + handler; `database` only reads), so one claimed step per
    // handler serves every iteration; it is submitted afterwards
    const executeResults = new Map<HandlerName, number>();
    for (const handler of HANDLERS) {
      await enqueue(handler);
      const step = await claimOne();
      const result = await bench(`execute (${handler})`, async () => {
        const done = await execute(step);
        if (done.state !== 'completed') throw new Error(`handler failed: ${done.results}`);
      }).run(benchSettings(handler === 'database' ? 'db' : 'micro'));
      executeResults.set(handler, result.latency.p50);
      await submit(step, await execute(step));
    }

    const total = await bench('claim + submit', { beforeEach: () => enqueue('noop') }, async () => {
      const step = await claimOne();
      await submit(step, await execute(step));
    }).run(benchSettings('db'));

    for (const handler of ['square', 'database'] as const) {
      await bench(
        `claim → execute → submit (${handler})`,
        { beforeEach: () => enqueue(handler) },
        async () => {
          const step = await claimOne();
          const result = await execute(step);
          if (result.state !== 'completed') throw new Error(`handler failed: ${result.results}`);
          await submit(step, result);
        },
      ).run(benchSettings('db'));
    }

    await record(task, 'phase breakdown (noop, p50)', {
      kind: 'breakdown',
      phasesMs: {
        claim: claim.latency.p50,
        execute: executeResults.get('noop') ?? 0,
        submit: submitOnly.latency.p50,
      },
      totalMs: total.latency.p50,
      note: 'p50 of each phase benched alone; total = the claim + submit bench (noop handler in between)',
    });
    for (const figure of [claim, submitOnly, total])
      expect(Number.isFinite(figure.latency.p50) && figure.latency.p50 > 0).toBe(true);
    // every step a bench enqueued was claimed and submitted once: its queue is empty, one result
    // message each waits for the orchestrator (none runs here), and every step row was handed back
    // with the handler's result
    expect(submitted).toBe(enqueued);
    expect(await queueLength(client, QUEUE)).toBe(0);
    expect(await queueLength(client, RESULTS_QUEUE)).toBe(submitted);
    const { rows } = await client.query<{ state: string; with_results: boolean; n: number }>(
      `select s.current_state as state, s.results is not null as with_results, count(*)::int as n
       from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid)
       where ns.named_step_uuid = any($1::uuid[]) group by 1, 2`,
      [[...namedSteps.values()]],
    );
    expect(rows).toEqual([{ state: 'enqueued_for_orchestration', with_results: true, n: enqueued }]);
  } finally {
    client.release();
  }
});
