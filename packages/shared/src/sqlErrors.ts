/**
 * The one map from the SQLSTATEs tasker's SQL raises to typed errors. Every code is of class TK and
 * listed in the header of the SQL file that raises it (packages/shared/sql: the migrations and the
 * PGMQ-compatible layer); `sqlErrors.coverage.test.ts` fails when a file raises a code this map
 * lacks. Callers write `throw toTaskerError(error)`: a TK error comes back typed, with a stable
 * `code` and the database error as `cause`; anything else comes back unchanged. No database code
 * here (the API's schemas import InvalidQueueNameError through queueNames.ts, and a client loads it).
 */
import { TaskerError } from './errors.ts';

/** Every SQLSTATE tasker's SQL raises, by meaning. */
export const TASKER_SQLSTATE = {
  /** 02_state_machine.sql: from → to is not in the transition table */
  illegalTransition: 'TK001',
  /** 02_state_machine.sql: no such task or step */
  notFound: 'TK002',
  /** 03_messaging.sql: the queue name cannot become part of a channel name */
  invalidChannelQueueName: 'TKM01',
  /** 03_messaging.sql (ensure_queues): not a tasker queue name */
  notATaskerQueue: 'TKM02',
  /** pgmq/01_schema.sql: empty, longer than 47 characters, or containing $ ; -- ' " */
  invalidQueueName: 'TKQ01',
  /** pgmq/01_schema.sql: no such queue */
  unknownQueue: 'TKQ02',
  /** pgmq/02_queues.sql: create_partitioned / convert_archive_partitioned (PGMQ builds them on pg_partman) */
  partitionedQueuesUnavailable: 'TKQ03',
  /** 08_registry.sql: the version is registered already with other steps */
  templateConflict: 'TKR01',
  /** 08_registry.sql: the template JSON lacks namespace, name, version or a step's name or handler */
  malformedTemplate: 'TKR02',
  /** 09_task_creation.sql: no registered template matches namespace/name(/version) */
  templateNotFound: 'TKT01',
  /** 09_task_creation.sql (create_tasks): a task of the batch repeats an existing or earlier identity */
  duplicateTask: 'TKT02',
  /** 11_worker_claim_submit.sql: a step result status other than the two orchestration states */
  invalidResultStatus: 'TKW01',
} as const;

export type TaskerSqlState = (typeof TASKER_SQLSTATE)[keyof typeof TASKER_SQLSTATE];

/** A task or step state change that the transition table does not allow (TK001). */
export class IllegalTransitionError extends TaskerError {
  readonly entity: 'task' | 'step';
  readonly from: string;
  readonly to: string;
  constructor(entity: 'task' | 'step', from: string, to: string, options?: ErrorOptions) {
    super(
      'TASKER_ILLEGAL_TRANSITION',
      `illegal ${entity} transition from ${from} to ${to}; the allowed ones are listed in src/state/transitions.ts`,
      options,
    );
    this.entity = entity;
    this.from = from;
    this.to = to;
  }
}

/** The task or step named in a call does not exist (TK002). */
export class NotFoundError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_NOT_FOUND', message, options);
  }
}

/** The queue name is unusable: empty, too long, with a forbidden character (TKQ01), unusable in a channel name (TKM01), or not a tasker queue where one is required (TKM02). */
export class InvalidQueueNameError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_QUEUE_NAME', message, options);
  }
}

/** No queue of that name exists (TKQ02, or the pgmq extension's 42P01); create it first. */
export class UnknownQueueError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_UNKNOWN_QUEUE', message, options);
  }
}

/** Partitioned queues are not available in the PGMQ-compatible layer (TKQ03); use the pgmq extension with pg_partman. */
export class PartitionedQueuesUnavailableError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_PARTITIONED_QUEUES_UNAVAILABLE', message, options);
  }
}

/** The template's namespace/name/version is registered already with different steps (TKR01). */
export class TemplateConflictError extends TaskerError {
  readonly template: string;
  constructor(template: string, options?: ErrorOptions) {
    super(
      'TASKER_TEMPLATE_CONFLICT',
      `template ${template} is already registered with different steps; a registered version is immutable: bump the version`,
      options,
    );
    this.template = template;
  }
}

/** The template JSON the registry got lacks a required field (TKR02); check it with validateTemplate(). */
export class MalformedTemplateError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_MALFORMED_TEMPLATE', message, options);
  }
}

/** No registered template matches namespace/name(/version) (TKT01); `index` is the batch request's position. */
export class TemplateNotFoundError extends TaskerError {
  readonly index: number | undefined;
  constructor(message: string, index?: number, options?: ErrorOptions) {
    super('TASKER_TEMPLATE_NOT_FOUND', message, options);
    this.index = index;
  }
}

/**
 * A task of a batch has the identity of an existing task (`taskUuid`) or of an earlier task of the
 * same batch (`repeats`, its index) (TKT02); `index` is its position; nothing of the batch was created.
 */
export class DuplicateTaskError extends TaskerError {
  readonly index: number | undefined;
  readonly taskUuid: string | undefined;
  readonly repeats: number | undefined;
  constructor(
    message: string,
    detail: { index?: number | undefined; task_uuid?: string | undefined; repeats?: number | undefined },
    options?: ErrorOptions,
  ) {
    super('TASKER_DUPLICATE_TASK', message, options);
    this.index = detail.index;
    this.taskUuid = detail.task_uuid;
    this.repeats = detail.repeats;
  }
}

/** A step result was submitted with a status other than the two orchestration states (TKW01). */
export class InvalidResultStatusError extends TaskerError {
  constructor(message: string, options?: ErrorOptions) {
    super('TASKER_INVALID_RESULT_STATUS', message, options);
  }
}

type DatabaseError = Error & { code: string; detail?: unknown; hint?: unknown };

const ILLEGAL = /^illegal (task|step) transition from (\S+) to (\S+)$/;
const CONFLICT = /^template (.+) is already registered with different steps$/;

/** The message with the SQL's hint, which says what to do. */
function withHint(error: DatabaseError): string {
  return typeof error.hint === 'string' && error.hint ? `${error.message} (${error.hint})` : error.message;
}

/** The JSON object in DETAIL (create_tasks puts the request's index there), else {}. */
function detailOf(error: DatabaseError): Record<string, unknown> {
  if (typeof error.detail !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(error.detail);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const integer = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** One typed error per SQLSTATE; undefined keeps the database error (a message the map cannot read). */
const MAPPED: { readonly [S in TaskerSqlState]: (error: DatabaseError) => TaskerError | undefined } = {
  TK001: (error) => {
    const match = ILLEGAL.exec(error.message);
    return match?.[1] && match[2] && match[3]
      ? new IllegalTransitionError(match[1] === 'task' ? 'task' : 'step', match[2], match[3], {
          cause: error,
        })
      : undefined;
  },
  TK002: (error) => new NotFoundError(error.message, { cause: error }),
  TKM01: (error) => new InvalidQueueNameError(error.message, { cause: error }),
  TKM02: (error) => new InvalidQueueNameError(withHint(error), { cause: error }),
  TKQ01: (error) => new InvalidQueueNameError(error.message, { cause: error }),
  TKQ02: (error) => new UnknownQueueError(error.message, { cause: error }),
  TKQ03: (error) => new PartitionedQueuesUnavailableError(withHint(error), { cause: error }),
  TKR01: (error) =>
    new TemplateConflictError(CONFLICT.exec(error.message)?.[1] ?? error.message, { cause: error }),
  TKR02: (error) => new MalformedTemplateError(withHint(error), { cause: error }),
  TKT01: (error) =>
    new TemplateNotFoundError(withHint(error), integer(detailOf(error).index), { cause: error }),
  TKT02: (error) => {
    const detail = detailOf(error);
    return new DuplicateTaskError(
      error.message,
      {
        index: integer(detail.index),
        repeats: integer(detail.repeats),
        task_uuid: typeof detail.task_uuid === 'string' ? detail.task_uuid : undefined,
      },
      { cause: error },
    );
  },
  TKW01: (error) => new InvalidResultStatusError(withHint(error), { cause: error }),
};

function isDatabaseError(error: unknown): error is DatabaseError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string';
}

/**
 * The typed error for a database error tasker's SQL raised (the original kept as `cause`); anything
 * else is returned unchanged, so callers can write `throw toTaskerError(error)`. The pgmq
 * extension's missing queue table (42P01 on pgmq.q_…) is an UnknownQueueError too.
 */
export function toTaskerError(error: unknown): unknown {
  if (!isDatabaseError(error)) return error;
  if (Object.hasOwn(MAPPED, error.code)) return MAPPED[error.code as TaskerSqlState](error) ?? error;
  if (error.code === '42P01' && /relation "pgmq\.q_/.test(error.message))
    return new UnknownQueueError(`${error.message} (create the queue with pgmq.create first)`, {
      cause: error,
    });
  return error;
}
