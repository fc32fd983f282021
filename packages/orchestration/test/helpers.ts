/**
 * Test helpers: a simulated worker (SQL + PGMQ, as packages/worker will do it) and a bounded wait
 * for database conditions. Workers do not exist yet in this package's dependencies, so steps are
 * driven here: claim with pgmq.read, enqueued → in_progress → enqueued_for_orchestration (or
 * enqueued_as_error_for_orchestration) with results, result message to orchestration_step_results
 * with notify, archive the claimed message.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export type SimulatedOutcome = { ok: true; results?: unknown } | { ok: false; backoffSeconds?: number };

export type ClaimedStep = {
  msgId: string;
  taskUuid: string;
  stepUuid: string;
  correlationId: string;
  name: string;
};

/** Claims up to `qty` visible messages of worker_<namespace>_queue and moves their steps to in_progress. */
export async function claimSteps(pool: pg.Pool, namespace: string, qty = 100): Promise<ClaimedStep[]> {
  const queue = `worker_${namespace}_queue`;
  const { rows } = await pool.query<{
    msg_id: string;
    message: { task_uuid: string; step_uuid: string; correlation_id: string };
  }>('select msg_id, message from pgmq.read($1, 30, $2::int)', [queue, qty]);
  const claimed: ClaimedStep[] = [];
  for (const row of rows) {
    const { rows: moved } = await pool.query<{ ok: boolean; name: string }>(
      `select tasker.transition_step_state_atomic($1, 'enqueued', 'in_progress') as ok,
        (select ns.name from tasker.workflow_steps s join tasker.named_steps ns using (named_step_uuid)
         where s.workflow_step_uuid = $1) as name`,
      [row.message.step_uuid],
    );
    if (!moved[0]?.ok) {
      await pool.query('select pgmq.archive($1, $2::bigint)', [queue, row.msg_id]);
      continue;
    }
    claimed.push({
      msgId: row.msg_id,
      taskUuid: row.message.task_uuid,
      stepUuid: row.message.step_uuid,
      correlationId: row.message.correlation_id,
      name: moved[0].name,
    });
  }
  return claimed;
}

/** Submits a claimed step's outcome and archives its worker message, in one transaction. */
export async function submitStep(
  pool: pg.Pool,
  namespace: string,
  step: ClaimedStep,
  outcome: SimulatedOutcome = { ok: true },
  copies = 1,
): Promise<void> {
  const status = outcome.ok ? 'enqueued_for_orchestration' : 'enqueued_as_error_for_orchestration';
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      'update tasker.workflow_steps set results = $2::jsonb, backoff_request_seconds = $3::int where workflow_step_uuid = $1',
      [
        step.stepUuid,
        JSON.stringify(outcome.ok ? (outcome.results ?? { ok: true }) : { error: 'simulated failure' }),
        outcome.ok ? null : (outcome.backoffSeconds ?? null),
      ],
    );
    await client.query("select tasker.transition_step_state_atomic($1, 'in_progress', $2)", [
      step.stepUuid,
      status,
    ]);
    for (let i = 0; i < copies; i++)
      await client.query("select tasker.pgmq_send_with_notify('orchestration_step_results', $1::jsonb)", [
        JSON.stringify({
          task_uuid: step.taskUuid,
          step_uuid: step.stepUuid,
          status,
          correlation_id: step.correlationId,
        }),
      ]);
    await client.query('select pgmq.archive($1, $2::bigint)', [`worker_${namespace}_queue`, step.msgId]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

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
      await submitStep(pool, namespace, step, decide(step));
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
