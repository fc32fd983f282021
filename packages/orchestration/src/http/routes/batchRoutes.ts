/**
 * POST /v1/tasks/batch  201 { tasks: [ … as POST /v1/tasks ] }: up to 1,000 tasks in one transaction,
 * all or nothing                                                                  400 404 409 413
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreatedTasks, CreateTasksRequest } from '@tasker/shared/api';
import { createTasks } from '../../tasks/createTask.ts';
import { createdTaskBody } from '../createdTaskBody.ts';
import { rejectUnstorableBody } from '../storableBody.ts';
import { recordCreations } from './recordCreations.ts';
import type { TaskRoutesOptions } from './taskRoutes.ts';

export const batchRoutes: FastifyPluginAsyncTypebox<TaskRoutesOptions> = async (app, options) => {
  app.post(
    '/v1/tasks/batch',
    {
      schema: { body: CreateTasksRequest, response: { 201: CreatedTasks } },
      preValidation: rejectUnstorableBody,
    },
    async (request, reply) => {
      const { tasks } = request.body;
      const started = performance.now();
      const created = await createTasks(options.pool, tasks);
      recordCreations(
        options,
        started,
        // createTasks answers in request order, one creation per request
        tasks.map((task, i) => ({ namespace: task.namespace, enqueued: created[i]?.enqueued ?? 0 })),
      );
      return reply.code(201).send({ tasks: created.map(createdTaskBody) });
    },
  );
};
