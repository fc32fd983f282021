/**
 * The task routes:
 *   POST   /v1/tasks                      201 { task, steps, execution_context }      400 404 409 413
 *   GET    /v1/tasks                      200 { tasks, pagination } (namespace, state, page, per_page)
 *   GET    /v1/tasks/:uuid                200 task with context and execution_context 400 404
 *   DELETE /v1/tasks/:uuid                200 { task_uuid, state: cancelled, … }      400 404 409
 *   GET    /v1/tasks/:uuid/workflow_steps 200 { steps }                               400 404
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AfterCommitNotifier } from '@tasker/shared';
import { CreatedTask, CreateTaskRequest, ListTasksQuery, TaskParams } from '@tasker/shared/api';
import type pg from 'pg';
import type { OrchestrationMetrics } from '../../metrics/metrics.ts';
import { cancelTask } from '../../tasks/cancelTask.ts';
import { createTask } from '../../tasks/createTask.ts';
import { getTask } from '../../tasks/getTask.ts';
import { listSteps } from '../../tasks/listSteps.ts';
import { listTasks } from '../../tasks/listTasks.ts';
import { createdTaskBody } from '../createdTaskBody.ts';
import { rejectUnstorableBody } from '../storableBody.ts';
import { recordCreations } from './recordCreations.ts';

export type TaskRoutesOptions = {
  pool: pg.Pool;
  /** wakes the workers for a new task's enqueued steps after the commit (see ServerDeps) */
  notifier?: AfterCommitNotifier | undefined;
  metrics: OrchestrationMetrics;
};

export const taskRoutes: FastifyPluginAsyncTypebox<TaskRoutesOptions> = async (app, options) => {
  const { pool } = options;

  app.post(
    '/v1/tasks',
    {
      // the 201 schema lets Fastify serialize the answer with its compiled serializer
      schema: { body: CreateTaskRequest, response: { 201: CreatedTask } },
      preValidation: rejectUnstorableBody,
    },
    async (request, reply) => {
      const body = request.body;
      const started = performance.now();
      const created = await createTask(pool, body);
      recordCreations(options, started, [{ namespace: body.namespace, enqueued: created.enqueued }]);
      return reply.code(201).send(createdTaskBody(created));
    },
  );

  app.get('/v1/tasks', { schema: { querystring: ListTasksQuery } }, async (request) =>
    listTasks(pool, request.query),
  );

  app.get('/v1/tasks/:uuid', { schema: { params: TaskParams } }, async (request) =>
    getTask(pool, request.params.uuid),
  );

  app.delete('/v1/tasks/:uuid', { schema: { params: TaskParams } }, async (request) =>
    cancelTask(pool, request.params.uuid),
  );

  app.get('/v1/tasks/:uuid/workflow_steps', { schema: { params: TaskParams } }, async (request) => ({
    steps: await listSteps(pool, request.params.uuid),
  }));
};
