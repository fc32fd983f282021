/**
 * The API's errors: each has a stable `code` and the HTTP status the API answers with; the HTTP
 * error handler turns them into `{ error: { code, message, … } }` bodies. What the SQL raises is
 * typed by @tasker/shared (toTaskerError, the one SQLSTATE map); task creation turns the two it
 * answers 404 and 409 into TemplateNotFoundError and DuplicateTaskError here.
 */
import { TaskerError } from '@tasker/shared';

export class OrchestrationError extends TaskerError {
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.status = status;
  }
  /** Extra fields of the error body besides code and message. */
  details(): Record<string, unknown> {
    return {};
  }
}

/** No registered template matches namespace/name(/version) (shared's TemplateNotFoundError, TKT01). */
export class TemplateNotFoundError extends OrchestrationError {
  constructor(message: string, options?: ErrorOptions) {
    super('template_not_found', 404, `${message}; register it first (registerTemplate)`, options);
  }
}

/**
 * A task with the same identity exists (strict or caller_provided identity strategy); in a batch
 * (shared's DuplicateTaskError, TKT02), `index` is the request's position, `repeats` the earlier request of the batch it
 * repeats (then there is no existing task), and nothing of the batch was created.
 */
export class DuplicateTaskError extends OrchestrationError {
  readonly taskUuid: string | undefined;
  readonly index: number | undefined;
  readonly repeats: number | undefined;
  constructor(taskUuid: string | undefined, index?: number, repeats?: number) {
    const where = index === undefined ? '' : `tasks/${index}: `;
    super(
      'duplicate_task',
      409,
      repeats === undefined
        ? `${where}a task with the same identity exists: ${taskUuid}; use identity_strategy "always_unique" or another context to create another${index === undefined ? '' : ' (nothing of the batch was created)'}`
        : `${where}repeats the identity of tasks/${repeats}; nothing of the batch was created`,
    );
    this.taskUuid = taskUuid;
    this.index = index;
    this.repeats = repeats;
  }
  override details(): Record<string, unknown> {
    return {
      ...(this.taskUuid === undefined ? {} : { task_uuid: this.taskUuid }),
      ...(this.index === undefined ? {} : { index: this.index }),
      ...(this.repeats === undefined ? {} : { repeats: this.repeats }),
    };
  }
}

export class TaskNotFoundError extends OrchestrationError {
  constructor(taskUuid: string) {
    super('task_not_found', 404, `no task ${taskUuid}`);
  }
}

/** The task is in a state that cannot be cancelled (complete, error, cancelled, resolved_manually). */
export class TaskNotCancellableError extends OrchestrationError {
  readonly state: string;
  constructor(taskUuid: string, state: string) {
    super('task_not_cancellable', 409, `task ${taskUuid} is ${state} and can no longer be cancelled`);
    this.state = state;
  }
  override details(): Record<string, unknown> {
    return { state: this.state };
  }
}

/** A request value that the JSON schema cannot express (e.g. identity_key without caller_provided). */
export class InvalidRequestError extends OrchestrationError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid_request', 400, message);
    this.field = field;
  }
  override details(): Record<string, unknown> {
    return { field: this.field };
  }
}
