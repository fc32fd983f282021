/**
 * What HandlerThreadPool and its threads exchange (structured clone: bigints and Maps survive;
 * functions do not, which is why a thread builds its own registry from a module URL).
 */

import type { ClaimedStep } from '@tasker/shared';
import type { StepOutcome } from '../dispatch/stepOutcome.ts';
import type { StepContext } from '../handlers/stepHandler.ts';

/** A StepContext without what cannot cross a thread: the abort signal and the pool. */
export type ThreadStepContext = Omit<StepContext, 'signal' | 'db'>;

export type ThreadRequest =
  /** the registry's handler names (start() checks that the threads load) */
  | { kind: 'names' }
  /** one handler on a ready context; the value comes back as is (bigints intact) */
  | { kind: 'run'; handler: string; context: ThreadStepContext }
  /** the worker's whole dispatch of a claimed step, in the thread: results serialized there */
  | { kind: 'dispatch'; step: ClaimedStep; timeoutMs: number };

export type ThreadError = {
  name: string;
  message: string;
  code: string | undefined;
  retryable: boolean;
  backoffSeconds: number | undefined;
};

/** A thread's answer; a handler's failure is an answer too (`ok: false`), never a rejection. */
export type ThreadResponse =
  | { kind: 'names'; names: string[] }
  | { kind: 'run'; ok: true; value: unknown }
  | { kind: 'run'; ok: false; error: ThreadError }
  | { kind: 'dispatch'; outcome: StepOutcome };

export type ThreadData = {
  /** URL of a module whose default export maps handler names to handlers, added to the built-ins */
  handlerModule: string | undefined;
};
