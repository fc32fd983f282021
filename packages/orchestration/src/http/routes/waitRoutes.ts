/**
 * GET /v1/tasks/:uuid/wait  200 { state, completed, timed_out, failed_step } when the task finishes
 * (the task_completed notification, see CompletionWaiters) or timeout_ms passes   400 404
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isFinishedTaskState, TaskParams, type TaskState, WaitQuery, WaitResult } from '@tasker/shared/api';
import type pg from 'pg';
import { TaskNotFoundError } from '../../errors.ts';
import type { CompletionWaiters } from '../../results/completionWaiters.ts';
import { firstFailedStep } from '../../tasks/firstFailedStep.ts';
import { getTaskState } from '../../tasks/getTask.ts';

export type WaitRoutesOptions = { pool: pg.Pool; waiters: CompletionWaiters };

export const waitRoutes: FastifyPluginAsyncTypebox<WaitRoutesOptions> = async (app, { pool, waiters }) => {
  app.get(
    '/v1/tasks/:uuid/wait',
    { schema: { params: TaskParams, querystring: WaitQuery, response: { 200: WaitResult } } },
    async (request): Promise<WaitResult> => {
      const uuid = request.params.uuid;
      // register before reading the state: a completion in between still wakes this waiter
      const waiter = waiters.register(uuid, request.query.timeout_ms);
      try {
        const state = await getTaskState(pool, uuid);
        if (state === undefined) {
          throw new TaskNotFoundError(uuid);
        }
        if (isFinishedTaskState(state)) return finishedView(pool, uuid, state);
        const outcome = await waiter.wait;
        if (outcome.kind === 'finished')
          return {
            task_uuid: uuid,
            state: outcome.event.state,
            completed: true,
            timed_out: false,
            failed_step: outcome.event.failed_step,
          };
        const last = (await getTaskState(pool, uuid)) ?? state;
        if (isFinishedTaskState(last)) return finishedView(pool, uuid, last);
        return { task_uuid: uuid, state: last, completed: false, timed_out: true, failed_step: null };
      } finally {
        waiter.cancel();
      }
    },
  );
};

/** The answer for a task found finished: in error, with the step it failed at. */
async function finishedView(pool: pg.Pool, uuid: string, state: TaskState): Promise<WaitResult> {
  const failed = state === 'error' ? await firstFailedStep(pool, uuid) : null;
  return { task_uuid: uuid, state, completed: true, timed_out: false, failed_step: failed };
}
