/**
 * The task function of a HandlerThreadPool thread (piscina calls the default export once per
 * request): a handler registry — the built-ins plus the optional handler module, loaded once per
 * thread by URL — serving ThreadRequests. Handler failures are answered, not thrown, so that a
 * rejection on the pool's side always means the thread itself failed.
 */
import { workerData } from 'node:worker_threads';
import { dispatchStep } from '../dispatch/dispatchStep.ts';
import { errorInfo } from '../dispatch/stepOutcome.ts';
import { StepHandlerError } from '../errors.ts';
import { createHandlerRegistry, type HandlerRegistry } from '../handlers/handlerRegistry.ts';
import type { StepHandler } from '../handlers/stepHandler.ts';
import type { ThreadData, ThreadRequest, ThreadResponse } from './threadProtocol.ts';

let registry: Promise<HandlerRegistry> | undefined;

async function loadRegistry(): Promise<HandlerRegistry> {
  const { handlerModule } = workerData as ThreadData;
  if (!handlerModule) return createHandlerRegistry();
  const loaded = (await import(handlerModule)) as { default?: Record<string, StepHandler> };
  if (typeof loaded.default !== 'object' || loaded.default === null)
    throw new TypeError(`handler module ${handlerModule} has no default export mapping names to handlers`);
  return createHandlerRegistry(loaded.default);
}

export default async function handleThreadRequest(request: ThreadRequest): Promise<ThreadResponse> {
  registry ??= loadRegistry();
  const handlers = await registry;
  switch (request.kind) {
    case 'names':
      return { kind: 'names', names: handlers.names() };
    case 'dispatch':
      return {
        kind: 'dispatch',
        outcome: await dispatchStep(handlers, request.step, { timeoutMs: request.timeoutMs }),
      };
    case 'run':
      try {
        const value = await handlers.get(request.handler)({
          ...request.context,
          signal: new AbortController().signal,
          db: undefined,
        });
        return { kind: 'run', ok: true, value };
      } catch (error) {
        return {
          kind: 'run',
          ok: false,
          error: {
            ...errorInfo(error),
            retryable: !(error instanceof StepHandlerError && !error.retryable),
            backoffSeconds: error instanceof StepHandlerError ? error.backoffSeconds : undefined,
          },
        };
      }
  }
}
