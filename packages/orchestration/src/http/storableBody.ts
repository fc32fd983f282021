/**
 * What a request body's schema cannot say, checked before it (preValidation): strings PostgreSQL
 * cannot store — a NUL character (jsonb and text refuse it) or an unpaired UTF-16 surrogate (jsonb
 * refuses its \u escape) — anywhere in the body, keys included, and nesting deeper than MAX_DEPTH.
 * Either otherwise failed inside the database as a 500. The first problem is returned with the
 * field it is in (`context.note`, `tags.1`).
 */
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../errors.ts';

/** nesting levels a body may have (context included) */
export const MAX_DEPTH = 64;

// built from a string so the NUL is not a control character in a regex literal
const UNSTORABLE = new RegExp(
  `${String.fromCharCode(0)}|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`,
);

function unstorable(value: unknown, path: string, depth: number): InvalidRequestError | undefined {
  if (depth > MAX_DEPTH)
    return new InvalidRequestError(path, `body.${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (typeof value === 'string')
    return UNSTORABLE.test(value)
      ? new InvalidRequestError(
          path,
          `body.${path} contains a NUL character or an unpaired surrogate, which cannot be stored`,
        )
      : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const where = `${path}.${key}`;
    if (UNSTORABLE.test(key))
      return new InvalidRequestError(
        where,
        `body.${path} has a key with a NUL character or an unpaired surrogate`,
      );
    const problem = unstorable(item, where, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** The first unstorable string or too deep nesting in a JSON `body`, or undefined. */
export function unstorableBodyProblem(body: unknown): InvalidRequestError | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  for (const [field, value] of Object.entries(body)) {
    if (UNSTORABLE.test(field))
      return new InvalidRequestError(field, 'body has a key with a NUL character or an unpaired surrogate');
    const problem = unstorable(value, field, 1);
    if (problem) return problem;
  }
  return undefined;
}

/** The routes' preValidation hook: a body with such a problem is answered 400 before its schema runs. */
export async function rejectUnstorableBody(request: FastifyRequest): Promise<void> {
  const problem = unstorableBodyProblem(request.body);
  if (problem) throw problem;
}
