/**
 * The body of a HandlerThreadPool thread: a handler registry (built-ins plus the optional handler
 * module) serving requests from the parent port one by one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorInfo } from '../dispatch/stepOutcome.ts';
import { StepHandlerError } from '../errors.ts';
import { createHandlerRegistry } from '../handlers/handlerRegistry.ts';
import type { StepHandler } from '../handlers/stepHandler.ts';
import type { ThreadData, ThreadRequest, ThreadResponse } from './threadProtocol.ts';

const data = workerData as ThreadData;
const extra = data.handlerModule
  ? ((await import(data.handlerModule)) as { default: Record<string, StepHandler> }).default
  : {};
const registry = createHandlerRegistry(extra);
const port = parentPort;
if (!port) throw new Error('handlerThread.ts runs only as a worker thread');

port.on('message', (request: ThreadRequest) => {
  const reply = (response: ThreadResponse) => port.postMessage(response);
  const fail = (error: unknown) =>
    reply({
      id: request.id,
      ok: false,
      error: {
        ...errorInfo(error),
        retryable: !(error instanceof StepHandlerError && !error.retryable),
        backoffSeconds: error instanceof StepHandlerError ? error.backoffSeconds : undefined,
      },
    });
  try {
    const value = registry.get(request.handler)({
      ...request.context,
      signal: new AbortController().signal,
      db: undefined,
    });
    if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
      (value as PromiseLike<unknown>).then(
        (resolved) => reply({ id: request.id, ok: true, value: resolved }),
        fail,
      );
    } else {
      reply({ id: request.id, ok: true, value });
    }
  } catch (error) {
    fail(error);
  }
});
