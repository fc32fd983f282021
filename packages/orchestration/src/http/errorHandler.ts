/**
 * Every error answer has one shape (ErrorBody of @tasker/shared/api): `{ error: { code, message,
 * field?, … } }` with the matching status. Validation failures name the offending field (`context`,
 * `tags.2`, `namespace`) in `field` and in the message.
 */
import type { ErrorBody } from '@tasker/shared/api';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OrchestrationError } from '../errors.ts';

/** An Ajv error as Fastify passes it on. */
type AjvIssue = {
  keyword?: string;
  instancePath?: string;
  schemaPath?: string;
  params?: Record<string, unknown>;
  message?: string;
};

/** The part of a route schema an if/then rule is read from (CreateTaskRequest's identity_key rule). */
type ConditionalSchema = { if?: { properties?: Record<string, { const?: unknown }> } };

function fieldOf(issue: AjvIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  const missing = issue.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return path.join('.');
}

/** What is wrong, in words; `schema` is the schema of the part that failed (body, querystring). */
function problemOf(issue: AjvIssue, schema: ConditionalSchema | undefined): string {
  switch (issue.keyword) {
    case 'required': {
      // a property that the top-level `then` requires: say under which condition (`if`)
      const condition = issue.schemaPath?.startsWith('#/then/') ? schema?.if?.properties : undefined;
      const when = Object.entries(condition ?? {})
        .map(([name, rule]) => `${name} is ${JSON.stringify(rule.const)}`)
        .join(' and ');
      return when ? `is required when ${when}` : 'is required';
    }
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum': {
      const allowed = issue.params?.allowedValues;
      return Array.isArray(allowed)
        ? `must be one of ${allowed.join(', ')}`
        : (issue.message ?? 'is invalid');
    }
    default:
      return issue.message ?? 'is invalid';
  }
}

/**
 * The database cannot be reached or went away mid-request (connection refused or reset, the
 * server shutting down or starting up, the pool's connection timeout): the request is answered
 * 503 with Retry-After — the caller may try again — rather than 500, which would read as a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/.test(message);
}

/** The answer to `error`; `routeSchema` (the route's schema by part) words validation failures. */
export function toErrorReply(
  error: unknown,
  routeSchema?: Record<string, unknown>,
): { status: number; body: ErrorBody } {
  if (error instanceof OrchestrationError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.details() } },
    };
  }
  const fe = error as Partial<FastifyError> & { validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(fe.validation) && fe.validation.length > 0) {
    const issue: AjvIssue = fe.validation[0] ?? {};
    const field = fieldOf(issue);
    const where = fe.validationContext ?? 'request';
    const failed = routeSchema?.[where] as ConditionalSchema | undefined;
    return {
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: `${where}${field ? `.${field}` : ''} ${problemOf(issue, failed)}`,
          field,
          location: where,
        },
      },
    };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 ? fe.statusCode : 500;
  if (status === 413)
    return {
      status,
      body: { error: { code: 'payload_too_large', message: 'request body is larger than the body limit' } },
    };
  if (status < 500)
    return {
      status,
      body: {
        error: { code: (fe.code ?? 'bad_request').toLowerCase(), message: fe.message ?? 'bad request' },
      },
    };
  if (isDatabaseUnavailable(error))
    return {
      status: 503,
      body: {
        error: {
          code: 'database_unavailable',
          message: 'the database is unavailable; retry later (GET /health/ready says when it is back)',
        },
      },
    };
  return {
    status: 500,
    body: { error: { code: 'internal_error', message: 'internal error; see the server log' } },
  };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorReply(error, request.routeOptions.schema as Record<string, unknown>);
  if (status >= 500 && status !== 503) request.log.error({ err: error }, 'request failed');
  if (status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '1');
  void reply.code(status).send(body);
}
