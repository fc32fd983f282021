/**
 * The handler registry: handler name (as in step templates) → StepHandler. A worker dispatches
 * every claimed step through one registry; `createHandlerRegistry()` starts from the built-ins
 * (builtinHandlers.ts); tests and benches add TEST_HANDLERS (testHandlers.ts) where they need them.
 */
import { UnknownHandlerError, WorkerConfigError } from '../errors.ts';
import { BUILTIN_HANDLERS } from './builtinHandlers.ts';
import type { StepHandler } from './stepHandler.ts';

const HANDLER_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export class HandlerRegistry {
  readonly #handlers = new Map<string, StepHandler>();

  /** Adds or replaces a handler. Names follow step names: ^[a-z][a-z0-9_]{0,62}$. */
  register(name: string, handler: StepHandler): this {
    if (!HANDLER_NAME.test(name)) {
      throw new WorkerConfigError(`handler name ${JSON.stringify(name)} must match ${HANDLER_NAME}`);
    }
    this.#handlers.set(name, handler);
    return this;
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /** The handler registered under `name`; throws UnknownHandlerError when there is none. */
  get(name: string): StepHandler {
    const handler = this.#handlers.get(name);
    if (handler === undefined) throw new UnknownHandlerError(name, this.names());
    return handler;
  }

  names(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}

/** A registry holding the built-in handlers, plus `extra` (which may replace built-ins). */
export function createHandlerRegistry(extra: Readonly<Record<string, StepHandler>> = {}): HandlerRegistry {
  const registry = new HandlerRegistry();
  for (const [name, handler] of Object.entries(BUILTIN_HANDLERS)) registry.register(name, handler);
  for (const [name, handler] of Object.entries(extra)) registry.register(name, handler);
  return registry;
}
