/**
 * The HTTP API (Fastify 5):
 *   POST   /v1/tasks                      201 { task, steps, execution_context }      400 404 409 413
 *   POST   /v1/tasks/batch                201 { tasks: [ … as above ] }: up to 1,000 tasks, one
 *                                         transaction, all or nothing                   400 404 409 413
 *   GET    /v1/tasks                      200 { tasks, pagination } (namespace, state, page, per_page)
 *   GET    /v1/tasks/:uuid                200 task with context and execution_context 400 404
 *   DELETE /v1/tasks/:uuid                200 { task_uuid, state: cancelled, … }      400 404 409
 *   GET    /v1/tasks/:uuid/workflow_steps 200 { steps }                               400 404
 *   GET    /v1/tasks/:uuid/wait           200 { state, completed, timed_out, failed_step } when the
 *                                         task finishes (task_completed notification) or timeout_ms passes
 *   GET    /health, /health/live, /health/ready (database and listener up, else 503), /metrics
 * Every request and response shape is a schema of @tasker/shared/api: requests are validated
 * against them (validatorCompiler.ts), the handlers' types come from them (TypeBox type provider),
 * and the two hot routes' answers are serialized by the compiled serializer their schema gives.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type AfterCommitNotifier, messageReadyChannel } from '@tasker/shared';
import {
  CreatedTask,
  CreatedTasks,
  CreateTaskRequest,
  CreateTasksRequest,
  ListTasksQuery,
  TaskParams,
  type TaskState,
  WaitQuery,
  WaitResult,
} from '@tasker/shared/api';
import Fastify from 'fastify';
import type pg from 'pg';
import { TaskNotFoundError } from '../errors.ts';
import type { OrchestrationMetrics } from '../metrics/metrics.ts';
import type { CompletionWaiters } from '../results/completionWaiters.ts';
import { cancelTask } from '../tasks/cancelTask.ts';
import { createTask, createTasks, type TaskCreation } from '../tasks/createTask.ts';
import { getTask, getTaskState } from '../tasks/getTask.ts';
import { listSteps } from '../tasks/listSteps.ts';
import { listTasks } from '../tasks/listTasks.ts';
import { TERMINAL_TASK_STATES } from '../tasks/taskTypes.ts';
import { errorHandler } from './errorHandler.ts';
import { unstorableBodyProblem } from './storableBody.ts';
import { validatorCompiler } from './validatorCompiler.ts';

export type ServerDeps = {
  pool: pg.Pool;
  /**
   * Set when `pool`'s sessions send with tasker.notify = 'after_commit' (03_messaging.sql): a new
   * task's initially enqueued steps wake the workers through it, after the commit.
   */
  notifier?: AfterCommitNotifier;
  metrics: OrchestrationMetrics;
  waiters: CompletionWaiters;
  /** database and listener up */
  readiness: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** request body limit in bytes (default 1 MiB) */
  bodyLimit?: number;
  /**
   * true once shutdown began: answers then carry `Connection: close`, so keep-alive connections
   * of requests in flight at close() end with their answer (Fastify only reaps idle ones)
   */
  draining?: () => boolean;
  logger?: boolean;
};

/** The API server; its routes' request and reply types come from the schemas of @tasker/shared/api. */
export type ApiServer = ReturnType<typeof buildServer>;

export function buildServer(deps: ServerDeps) {
  const { pool, metrics, waiters } = deps;
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: deps.bodyLimit ?? 1024 * 1024 })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'route_not_found', message: `no route ${request.method} ${request.url}` } });
  });
  // both hooks run on every request: callback-style, since an async hook costs Fastify a promise
  // and its settlement on each
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (deps.draining?.()) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpSeconds.observe(reply.elapsedTime / 1000, {
      method: request.method,
      route,
      status: String(reply.statusCode),
    });
    done();
  });

  app.post(
    '/v1/tasks',
    {
      // the 201 schema lets Fastify serialize the answer with its compiled serializer
      schema: { body: CreateTaskRequest, response: { 201: CreatedTask } },
      preValidation: async (request) => {
        const problem = unstorableBodyProblem(request.body);
        if (problem) throw problem;
      },
    },
    async (request, reply) => {
      const body = request.body;
      const started = performance.now();
      const created = await createTask(pool, body);
      if (created.enqueued > 0) deps.notifier?.notify(messageReadyChannel(body.namespace));
      metrics.taskCreateSeconds.observe((performance.now() - started) / 1000);
      metrics.tasksCreated.inc({ namespace: body.namespace });
      metrics.stepsEnqueued.inc({}, created.enqueued);
      return reply.code(201).send(createdTaskBody(created));
    },
  );

  app.post(
    '/v1/tasks/batch',
    {
      schema: { body: CreateTasksRequest, response: { 201: CreatedTasks } },
      preValidation: async (request) => {
        const problem = unstorableBodyProblem(request.body);
        if (problem) throw problem;
      },
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
      for (const namespace of enqueuedIn) deps.notifier?.notify(messageReadyChannel(namespace));
      metrics.taskCreateSeconds.observe((performance.now() - started) / 1000);
      metrics.stepsEnqueued.inc({}, enqueued);
      return reply.code(201).send({ tasks: created.map(createdTaskBody) });
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
        if (TERMINAL_TASK_STATES.has(state)) return finishedView(pool, uuid, state);
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
        if (TERMINAL_TASK_STATES.has(last)) return finishedView(pool, uuid, last);
        return { task_uuid: uuid, state: last, completed: false, timed_out: true, failed_step: null };
      } finally {
        waiter.cancel();
      }
    },
  );

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const { ready, checks } = await deps.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  return app;
}

async function finishedView(pool: pg.Pool, uuid: string, state: TaskState): Promise<WaitResult> {
  let failed: WaitResult['failed_step'] = null;
  if (state === 'error') {
    const { rows } = await pool.query<{ step_uuid: string; name: string; attempts: number }>(
      `select s.workflow_step_uuid as step_uuid, ns.name, s.attempts
       from tasker.workflow_steps s join tasker.named_steps ns on ns.named_step_uuid = s.named_step_uuid
       where s.task_uuid = $1 and s.current_state = 'error' order by s.workflow_step_uuid limit 1`,
      [uuid],
    );
    failed = rows[0] ?? null;
  }
  return { task_uuid: uuid, state, completed: true, timed_out: false, failed_step: failed };
}

/** The 201 body of a created task (POST /v1/tasks, and each of POST /v1/tasks/batch). */
function createdTaskBody(created: TaskCreation): CreatedTask {
  return {
    task: created.task,
    steps: created.steps,
    execution_context: {
      total_steps: created.steps.length,
      enqueued_steps: created.enqueued,
      pending_steps: created.steps.filter((s) => s.state === 'pending').length,
      completed_steps: 0,
      execution_status: created.task.state === 'complete' ? 'all_complete' : 'processing',
    },
  };
}
