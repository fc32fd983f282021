/**
 * Handlers that fail in every way a handler can: throw, run past the handler timeout, or return
 * something that cannot be stored (a circular object; strings PostgreSQL's jsonb refuses — a NUL
 * character, a lone surrogate). Each step ends in `error` with the reason stored on the step: the
 * retryable failures after their attempts with the backoff between them, the unstorable ones at once
 * (retrying the same value cannot help). A raw BigInt is not a failure: it is stored as a decimal.
 * Nothing is retried forever: the handler invocation counts are exact.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { type Orchestration, startOrchestration } from '@tasker/orchestration';
import { registerTemplate, type WorkflowTemplate } from '@tasker/shared';
import { eventually } from '@tasker/shared/testing';
import { createHandlerRegistry, type StepHandler, startWorker, type Worker } from '@tasker/worker';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allFinished } from './helpers/audit.ts';

const db = useTestDatabase('reliability_handlers');
const NAMESPACE = 'rel_handlers';
/** attempts in total for the retryable steps, and the fixed backoff between them */
const MAX_ATTEMPTS = 2;
const BACKOFF_SECONDS = 1;

const invocations = new Map<string, number>();
const counted =
  (handler: StepHandler): StepHandler =>
  (context) => {
    invocations.set(context.stepName, (invocations.get(context.stepName) ?? 0) + 1);
    return handler(context);
  };

const circular = (): unknown => {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
};

const HANDLERS: Record<string, StepHandler> = {
  throws: () => {
    throw new Error('payment gateway said no');
  },
  hangs: ({ signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  circular,
  bigint: () => ({ big: 2n ** 70n }),
  nul_char: () => ({ text: 'before\u0000after' }),
  lone_surrogate: () => ({ text: 'half \ud800 a pair' }),
  nul_in_error: () => {
    throw new Error('bad byte \u0000 in the message');
  },
};

let orchestration: Orchestration | undefined;
let worker: Worker | undefined;

beforeAll(async () => {
  // one single-step template per handler: a task in error stops running its other steps
  for (const name of Object.keys(HANDLERS)) {
    const template: WorkflowTemplate = {
      namespace: NAMESPACE,
      name,
      version: '1.0.0',
      steps: [
        {
          name,
          handler: name,
          dependencies: [],
          retry: { retryable: true, max_attempts: MAX_ATTEMPTS, backoff_seconds: BACKOFF_SECONDS },
        },
      ],
    };
    await registerTemplate(db.pool, template);
  }
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    retryPollIntervalMs: 200,
    resultPollIntervalMs: 200,
    onError: () => undefined,
  });
  worker = await startWorker({
    connectionString: db.connectionString,
    namespaces: [NAMESPACE],
    handlers: createHandlerRegistry(
      Object.fromEntries(Object.entries(HANDLERS).map(([name, handler]) => [name, counted(handler)])),
    ),
    visibilityTimeoutSeconds: 3,
    handlerTimeoutMs: 500,
    pollIntervalMs: 200,
  });
});

afterAll(async () => {
  await worker?.close({ drainTimeoutMs: 1_000 });
  await orchestration?.close();
});

type StepView = {
  name: string;
  current_state: string;
  attempts: number;
  results: { error?: { name: string; message: string; retryable: boolean }; big?: string };
  retry_gaps_ms: number[];
};

test('each failing handler ends its step in error with the reason stored; retries back off; nothing loops', async () => {
  for (const name of Object.keys(HANDLERS)) {
    const response = await fetch(`${orchestration?.url}/v1/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: NAMESPACE, name, context: {} }),
    });
    expect(response.status).toBe(201);
  }
  const failing = Object.keys(HANDLERS).length - 1;
  expect(await allFinished(db.pool, NAMESPACE, failing + 1, 30_000)).toEqual({ error: failing, complete: 1 });
  const steps = await eventually('every step to settle', async () => {
    const { rows } = await db.pool.query<StepView>(
      `select n.name, s.current_state, s.attempts, s.results,
         -- from one attempt's start to the next: RetryPolicy.backoff_seconds is "between attempts"
         coalesce((select array_agg(gap order by sort_key) from (
                     select st.sort_key, (extract(epoch from st.created_at - lag(st.created_at)
                       over (order by st.sort_key)) * 1000)::int as gap
                     from tasker.workflow_step_transitions st
                     where st.workflow_step_uuid = s.workflow_step_uuid and st.to_state = 'in_progress') g
                   where gap is not null), '{}') as retry_gaps_ms
       from tasker.workflow_steps s join tasker.named_steps n using (named_step_uuid)`,
    );
    const settled = rows.every((row) => ['complete', 'error'].includes(row.current_state));
    return settled ? new Map(rows.map((row) => [row.name, row])) : undefined;
  });

  const retried = ['throws', 'hangs'];
  for (const name of retried) {
    const step = steps.get(name);
    expect(step, name).toMatchObject({ current_state: 'error', attempts: MAX_ATTEMPTS });
    expect(step?.results.error?.retryable, name).toBe(true);
    expect(invocations.get(name), name).toBe(MAX_ATTEMPTS);
    // attempts start at least the backoff apart
    expect(step?.retry_gaps_ms, name).toHaveLength(MAX_ATTEMPTS - 1);
    for (const gap of step?.retry_gaps_ms ?? [])
      expect(gap, name).toBeGreaterThanOrEqual(BACKOFF_SECONDS * 1000 - 50);
  }
  expect(steps.get('throws')?.results.error?.message).toContain('payment gateway said no');
  expect(steps.get('hangs')?.results.error?.message).toMatch(/500 ?ms|timed out|timeout/i);

  // unstorable results: failed at once, not retryable, the reason on the step
  for (const name of ['circular', 'nul_char', 'lone_surrogate', 'nul_in_error']) {
    const step = steps.get(name);
    expect(step, name).toMatchObject({ current_state: 'error', attempts: 1 });
    expect(step?.results.error?.retryable, name).toBe(false);
    expect(step?.results.error?.message.length, name).toBeGreaterThan(0);
    expect(invocations.get(name), name).toBe(1);
  }
  expect(steps.get('circular')?.results.error?.message).toMatch(/serializ|circular/i);
  expect(steps.get('nul_char')?.results.error?.message).toMatch(/could not be stored/);

  // a raw BigInt is converted, not refused
  expect(steps.get('bigint')).toMatchObject({
    current_state: 'complete',
    results: { big: (2n ** 70n).toString() },
  });

  // nothing left to run: the worker is idle and no message waits
  await worker?.idle();
  const { rows } = await db.pool.query<{ n: number }>(
    `select count(*)::int as n from pgmq.q_worker_rel_handlers_queue`,
  );
  expect(rows[0]?.n).toBe(0);
}, 60_000);
