/** Messages between HandlerThreadPool and its threads (structured clone: bigints and Maps survive). */
import type { StepContext } from '../handlers/stepHandler.ts';

/** A StepContext without what cannot cross a thread: the abort signal and the pool. */
export type ThreadStepContext = Omit<StepContext, 'signal' | 'db'>;

export type ThreadRequest = { id: number; handler: string; context: ThreadStepContext };

export type ThreadResponse =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error: {
        name: string;
        message: string;
        code: string | undefined;
        retryable: boolean;
        backoffSeconds: number | undefined;
      };
    };

export type ThreadData = {
  /** a module whose default export maps handler names to handlers, added to the built-ins */
  handlerModule: string | undefined;
};
