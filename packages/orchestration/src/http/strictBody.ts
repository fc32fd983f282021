/**
 * Checks a JSON request body before schema validation, for what Fastify's Ajv defaults let through:
 * - unknown fields (Fastify removes them silently: removeAdditional) and wrong scalar types (Fastify
 *   coerces them: `"priority": true` became 1) — refused here against the route schema's properties;
 * - strings PostgreSQL cannot store (a NUL character, a lone UTF-16 surrogate) anywhere in the body,
 *   and nesting deeper than MAX_DEPTH — which otherwise failed inside the database as a 500.
 * The first problem is returned with the field it is in (`context.note`, `tags.1`).
 */
import { InvalidRequestError } from '../errors.ts';

/** nesting levels a body may have (context included) */
export const MAX_DEPTH = 64;

type PropertySchema = { type?: string };
type ObjectSchema = { properties: Record<string, PropertySchema> };

// a NUL (jsonb and text refuse it) or an unpaired surrogate (jsonb refuses its \u escape); built
// from a string so the NUL is not a control character in a regex literal
const UNSTORABLE = new RegExp(
  `${String.fromCharCode(0)}|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]`,
);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

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

/** The first problem of `body` against `schema`, or undefined; non-object bodies are left to the schema. */
export function strictBodyProblem(schema: ObjectSchema, body: unknown): InvalidRequestError | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const [field, value] of Object.entries(body)) {
    const property = schema.properties[field];
    if (!property) return new InvalidRequestError(field, `body.${field} is not a known field`);
    const actual = typeOf(value);
    const expected = property.type;
    if (expected && actual !== expected && !(expected === 'number' && actual === 'integer'))
      return new InvalidRequestError(field, `body.${field} must be ${expected}, got ${actual}`);
    const problem = unstorable(value, field, 1);
    if (problem) return problem;
  }
  return undefined;
}
