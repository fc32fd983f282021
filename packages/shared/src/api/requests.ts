/**
 * The orchestration API's requests, defined once (TypeBox): the server validates bodies, params and
 * querystrings against these schemas, and the server's handlers and the client take their types from
 * them. Pure module — no database code — so the client can import it (`@tasker/shared/api`).
 */
import { type Static, Type } from 'typebox';
import { NAMESPACE_PATTERN } from '../queue/queueNames.ts';
import { TASK_STATES } from '../state/transitions.ts';
import { JsonObject, StringEnum, Uuid } from './schemaTypes.ts';

/**
 * Task identity, by strategy (orchestration's identityHash computes it):
 *   strict          same namespace, name, version and context → the same task (a repeat is a 409)
 *   caller_provided the caller's identity_key decides (idempotency key)
 *   always_unique   every request creates a task
 */
export const IDENTITY_STRATEGIES = ['strict', 'caller_provided', 'always_unique'] as const;
export type IdentityStrategy = (typeof IDENTITY_STRATEGIES)[number];

/** The longest a single wait request may hold (the client re-asks for longer waits). */
export const MAX_WAIT_MS = 60_000;

/** A template or step name: lower case letter first, up to 63 characters (PostgreSQL's identifier length). */
const NAME_PATTERN = '^[a-z][a-z0-9_]{0,62}$';
const ShortText = Type.String({ maxLength: 1000 });

/** POST /v1/tasks. identity_key is required with (and only used by) identity_strategy caller_provided. */
export const CreateTaskRequest = Type.Object(
  {
    namespace: Type.String({ pattern: NAMESPACE_PATTERN.source }),
    name: Type.String({ pattern: NAME_PATTERN }),
    /** absent: the highest registered version */
    version: Type.Optional(Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' })),
    context: Type.Optional(JsonObject),
    initiator: Type.Optional(ShortText),
    source_system: Type.Optional(ShortText),
    reason: Type.Optional(ShortText),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
    priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
    correlation_id: Type.Optional(Uuid),
    /** default strict */
    identity_strategy: Type.Optional(StringEnum(IDENTITY_STRATEGIES)),
    identity_key: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  {
    additionalProperties: false,
    // a rule across two fields, which the static type cannot carry: checked by the validator only
    if: { required: ['identity_strategy'], properties: { identity_strategy: { const: 'caller_provided' } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then` keyword; an object, so no thenable
    then: { required: ['identity_key'] },
  },
);
export type CreateTaskRequest = Static<typeof CreateTaskRequest>;

/** The most tasks one POST /v1/tasks/batch may create. */
export const MAX_BATCH_TASKS = 1000;

/** POST /v1/tasks/batch: several tasks created in one transaction, all or nothing. */
export const CreateTasksRequest = Type.Object(
  { tasks: Type.Array(CreateTaskRequest, { minItems: 1, maxItems: MAX_BATCH_TASKS }) },
  { additionalProperties: false },
);
export type CreateTasksRequest = Static<typeof CreateTasksRequest>;

/** `:uuid` of /v1/tasks/:uuid and below. */
export const TaskParams = Type.Object({ uuid: Uuid });
export type TaskParams = Static<typeof TaskParams>;

/** GET /v1/tasks: a page of tasks, newest first, filtered by namespace and state. */
export const ListTasksQuery = Type.Object(
  {
    namespace: Type.Optional(Type.String({ pattern: NAMESPACE_PATTERN.source })),
    state: Type.Optional(StringEnum(TASK_STATES)),
    page: Type.Integer({ minimum: 1, default: 1 }),
    per_page: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
  },
  { additionalProperties: false },
);
/** After validation: page and per_page filled with their defaults. */
export type ListTasksQuery = Static<typeof ListTasksQuery>;

/** GET /v1/tasks/:uuid/wait: hold the request until the task finishes or timeout_ms passes. */
export const WaitQuery = Type.Object(
  { timeout_ms: Type.Integer({ minimum: 0, maximum: MAX_WAIT_MS, default: 30_000 }) },
  { additionalProperties: false },
);
export type WaitQuery = Static<typeof WaitQuery>;
