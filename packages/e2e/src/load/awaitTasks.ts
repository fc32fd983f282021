/**
 * Waits until every task of a batch is complete, from the completion notifications the finalizer
 * sends (task_completed), so a load run does not load the database it measures: a poll of
 * thousands of task rows every few ms cost ~4 ms of database time per poll in the throughput bench.
 * A slow poll (default once a second) covers a missed notification; an error or cancelled task
 * fails the wait at once, naming it.
 */
import { CompletionWaiters, TASK_COMPLETED_CHANNEL, type TaskFinished } from '@tasker/orchestration';
import { FINISHED_TASK_STATES, PgEventListener } from '@tasker/shared';
import type pg from 'pg';

export type AwaitTasksOptions = { timeoutMs?: number; pollIntervalMs?: number };

export async function awaitTasksComplete(
  pool: pg.Pool,
  connectionString: string,
  uuids: readonly string[],
  { timeoutMs = 120_000, pollIntervalMs = 1_000 }: AwaitTasksOptions = {},
): Promise<void> {
  const remaining = new Set(uuids);
  let lastError: Error | undefined;
  let settle: (error?: Error) => void = () => undefined;
  const settled = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // a task can fail before the wait below begins (while LISTEN starts): the rejection is awaited
  // there, so it must not count as unhandled meanwhile
  settled.catch(() => undefined);
  const finished = (uuid: string, state: string) => {
    if (!remaining.delete(uuid)) return;
    if (state !== 'complete') settle(new Error(`task ${uuid} ended ${state}, not complete`));
    else if (remaining.size === 0) settle();
  };
  const poll = async () => {
    if (remaining.size === 0) return;
    const { rows } = await pool.query<{ task_uuid: string; current_state: string }>(
      `select task_uuid, current_state from tasker.tasks
       where task_uuid = any($1::uuid[]) and current_state = any($2::text[])`,
      [[...remaining], FINISHED_TASK_STATES],
    );
    for (const row of rows) finished(row.task_uuid, row.current_state);
  };
  const listener = new PgEventListener<TaskFinished | null>({
    connection: connectionString,
    channels: [TASK_COMPLETED_CHANNEL],
    parse: CompletionWaiters.parse,
    pollIntervalMs,
    onPoll: poll,
    // a lost connection reconnects and the poll covers the gap; kept for the timeout's message
    onError: (error) => {
      lastError = error;
    },
  });
  listener.subscribe(({ data }) => {
    if (data) finished(data.task_uuid, data.state);
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await listener.start();
    await poll(); // tasks that finished before the LISTEN began
    timer = setTimeout(
      () =>
        settle(
          new Error(
            `${uuids.length - remaining.size}/${uuids.length} tasks complete after ${timeoutMs} ms${lastError ? ` (last listener error: ${lastError.message})` : ''}`,
          ),
        ),
      timeoutMs,
    );
    await settled;
  } finally {
    clearTimeout(timer);
    await listener.close();
  }
}
