/**
 * Schema builders the API's shapes share, each written for what both Ajv (validation) and
 * fast-json-stringify (Fastify's response serializer) handle natively: a `type` array rather than
 * `anyOf` for a nullable value, and `{ type: 'object' }` rather than a Record's `patternProperties`
 * for free-form JSON — anyOf and patterns make the serializer and validator test each value.
 */
import { type Static, type TSchema, type TUnsafe, Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });

/** Any JSON object (a task's context); its content is the caller's. */
export const JsonObject = Type.Unsafe<Record<string, unknown>>({ type: 'object' });

/** One of `values`, as a string schema with an enum. */
export function StringEnum<const Values extends readonly string[]>(
  values: Values,
  options: { description?: string } = {},
): TUnsafe<Values[number]> {
  return Type.Unsafe<Values[number]>({ ...options, type: 'string', enum: [...values] });
}

/** `schema` or null; `schema` must be a single-typed schema (string, integer, object, …). */
export function Nullable<T extends TSchema & { type: string }>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}
