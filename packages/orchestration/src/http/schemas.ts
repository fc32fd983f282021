/** JSON schemas of the API's requests (validated by Fastify/Ajv; failures are 400 naming the field). */
import { IDENTITY_STRATEGIES } from '../tasks/identityHash.ts';

const NAME = { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } as const;
const SHORT_TEXT = { type: 'string', maxLength: 1000 } as const;
const UUID = { type: 'string', format: 'uuid' } as const;

export const TASK_STATE_NAMES = [
  'pending',
  'initializing',
  'enqueuing_steps',
  'steps_in_process',
  'evaluating_results',
  'waiting_for_dependencies',
  'waiting_for_retry',
  'blocked_by_failures',
  'complete',
  'error',
  'cancelled',
  'resolved_manually',
] as const;

export const createTaskBody = {
  type: 'object',
  required: ['namespace', 'name'],
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,30}$' },
    name: NAME,
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    context: { type: 'object' },
    initiator: SHORT_TEXT,
    source_system: SHORT_TEXT,
    reason: SHORT_TEXT,
    tags: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 100 },
    priority: { type: 'integer', minimum: -1000, maximum: 1000 },
    correlation_id: UUID,
    identity_strategy: { type: 'string', enum: [...IDENTITY_STRATEGIES] },
    identity_key: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

export const taskParams = {
  type: 'object',
  required: ['uuid'],
  properties: { uuid: UUID },
} as const;

export const listTasksQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    namespace: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,30}$' },
    state: { type: 'string', enum: [...TASK_STATE_NAMES] },
    page: { type: 'integer', minimum: 1, default: 1 },
    per_page: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
  },
} as const;

/** The longest a single wait request may hold (the client re-asks for longer waits). */
export const MAX_WAIT_MS = 60_000;

export const waitQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timeout_ms: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS, default: 30_000 },
  },
} as const;
