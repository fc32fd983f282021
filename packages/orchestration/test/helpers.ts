/**
 * Test helpers: a simulated worker and a bounded wait for database conditions. The worker package
 * is not a dependency of this one, so steps are driven here, through shared's wrappers of the
 * engine's own worker entry points (11_worker_claim_submit.sql): claimStepMessages claims
 * (enqueued → in_progress, attempts + 1), submitStepResult hands the step back (→
 * enqueued_for_orchestration or enqueued_as_error_for_orchestration, results stored, the result
 * message sent to orchestration_step_results with notify, the claimed message archived) — the
 * queue hand-off, the one that goes through this package's result processor.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type ClaimedStep,
  claimStepMessages,
  isClaimed,
  ORCHESTRATION_STEP_RESULTS_QUEUE,
  type StepResult,
  type SubmitStatus,
  sendWithNotify,
  submitStepResult,
  workerQueueName,
} from '@tasker/shared';
import type pg from 'pg';

export type { ClaimedStep } from '@tasker/shared';

export type SimulatedOutcome = { ok: true; results?: unknown } | { ok: false; backoffSeconds?: number };

/**
 * Claims up to `qty` visible messages of worker_<namespace>_queue; returns the steps claimed (a
 * message whose step may not run — cancelled, duplicate, finished — is archived by the claim).
 */
export async function claimSteps(pool: pg.Pool, namespace: string, qty = 100): Promise<ClaimedStep[]> {
  const claims = await claimStepMessages(pool, workerQueueName(namespace), {
    visibilityTimeoutSeconds: 30,
    qty,
  });
  return claims.filter(isClaimed);
}

/**
 * Submits a claimed step's outcome (its result message sent, its worker message archived, in one
 * transaction); `copies` > 1 sends that many more copies of the result message afterwards, as a
 * redelivery would.
 */
export async function submitStep(
  pool: pg.Pool,
  step: ClaimedStep,
  outcome: SimulatedOutcome = { ok: true },
  copies = 1,
): Promise<SubmitStatus> {
  const result: StepResult = outcome.ok
    ? { state: 'completed', results: JSON.stringify(outcome.results ?? { ok: true }) }
    : {
        state: 'failed',
        results: JSON.stringify({ error: 'simulated failure' }),
        // true leaves the step's own retry policy in charge
        retryable: true,
        backoffSeconds: outcome.backoffSeconds,
      };
  const status = await submitStepResult(pool, step, result);
  for (let i = 1; i < copies; i++) await sendResult(pool, step, outcome);
  return status;
}

/**
 * Sends the result message of `step` to orchestration_step_results by itself, without touching the
 * step: a copy of one already sent, or one that was on its way when the step changed.
 */
export async function sendResult(
  pool: pg.Pool,
  step: ClaimedStep,
  outcome: SimulatedOutcome = { ok: true },
): Promise<void> {
  await sendWithNotify(pool, ORCHESTRATION_STEP_RESULTS_QUEUE, {
    task_uuid: step.taskUuid,
    step_uuid: step.stepUuid,
    status: resultStatus(outcome),
    correlation_id: step.correlationId,
  });
}

const resultStatus = (outcome: SimulatedOutcome) =>
  outcome.ok ? 'enqueued_for_orchestration' : 'enqueued_as_error_for_orchestration';

/**
 * Runs a simulated worker until `done()` or `timeoutMs`: claims, then submits with `decide(step)`.
 * Polls its queue every few ms (test code; the real worker is woken by notifications).
 */
export async function runSimulatedWorker(
  pool: pg.Pool,
  namespace: string,
  done: () => Promise<boolean>,
  decide: (step: ClaimedStep) => SimulatedOutcome = () => ({ ok: true }),
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let executed = 0;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`simulated worker: not done after ${timeoutMs} ms`);
    const claimed = await claimSteps(pool, namespace);
    for (const step of claimed) {
      const status = await submitStep(pool, step, decide(step));
      if (status !== 'submitted')
        throw new Error(`simulated worker: ${step.stepName}'s submit was ${status}`);
      executed++;
    }
    if (claimed.length === 0) await sleep(5);
  }
  return executed;
}

export async function taskState(pool: pg.Pool, taskUuid: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ s: string }>(
    'select current_state as s from tasker.tasks where task_uuid = $1',
    [taskUuid],
  );
  return rows[0]?.s;
}

/** Resolves when `check` is true; rejects after `timeoutMs` naming `what`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST /v1/tasks with fetch; returns status and JSON body. */
export async function http(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed };
}

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/**
 * Starts tasker-orchestration (src/cli.ts) as a process with `args`; resolves once it says where it
 * listens (its output so far is in the error if it does not within 15 s). The caller stops it.
 */
export async function startCli(
  args: readonly string[],
): Promise<{ child: ChildProcessByStdio<null, Readable, Readable>; url: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    return { child, url };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
