/**
 * POST /v1/tasks/batch  201 { tasks: [ … as POST /v1/tasks ] }: up to 1,000 tasks in one transaction,
 * all or nothing                                                                  400 404 409 413
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { messageReadyChannel } from '@tasker/shared';
import { CreatedTasks, CreateTasksRequest } from '@tasker/shared/api';
import { createTasks } from '../../tasks/createTask.ts';
import { createdTaskBody } from '../createdTaskBody.ts';
import { rejectUnstorableBody } from '../storableBody.ts';
import type { TaskRoutesOptions } from './taskRoutes.ts';

export const batchRoutes: FastifyPluginAsyncTypebox<TaskRoutesOptions> = async (app, options) => {
  const { pool, notifier, metrics } = options;

  app.post(
    '/v1/tasks/batch',
    {
      schema: { body: CreateTasksRequest, response: { 201: CreatedTasks } },
      preValidation: rejectUnstorableBody,
    },
    async (request, reply) => {
      const { tasks } = request.body;
      const started = performance.now();
      const created = await createTasks(pool, tasks);
      const enqueuedIn = new Set<string>();
      let enqueued = 0;
      created.forEach((creation, i) => {
        enqueued += creation.enqueued;
        const namespace = tasks[i]?.namespace;
        if (creation.enqueued > 0 && namespace !== undefined) enqueuedIn.add(namespace);
        if (namespace !== undefined) metrics.tasksCreated.inc({ namespace });
      });
      for (const namespace of enqueuedIn) notifier?.notify(messageReadyChannel(namespace));
      metrics.taskCreateSeconds.observe((performance.now() - started) / 1000);
      metrics.stepsEnqueued.inc({}, enqueued);
      return reply.code(201).send({ tasks: created.map(createdTaskBody) });
    },
  );
};
