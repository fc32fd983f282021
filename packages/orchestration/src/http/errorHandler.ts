/**
 * Every error answer has one shape: `{ error: { code, message, field?, … } }` with the matching
 * status. Validation failures name the offending field (`context`, `tags.2`, `namespace`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OrchestrationError } from '../errors.ts';

export type ErrorBody = { error: { code: string; message: string; [key: string]: unknown } };

type AjvIssue = { instancePath?: string; params?: Record<string, unknown>; message?: string };

function fieldOf(issue: AjvIssue): string {
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  const missing = issue.params?.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return path.join('.');
}

export function toErrorReply(error: unknown): { status: number; body: ErrorBody } {
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
    return {
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: `${where}${field ? `.${field}` : ''} ${issue.message ?? 'is invalid'}`,
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
  return {
    status: 500,
    body: { error: { code: 'internal_error', message: 'internal error; see the server log' } },
  };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorReply(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.code(status).send(body);
}
