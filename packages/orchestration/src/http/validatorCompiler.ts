/**
 * The API's request validation (Fastify's validator compiler), with two Ajv instances:
 * - bodies: nothing coerced, nothing removed, no defaults — at every depth. Fastify's default Ajv
 *   (coerceTypes 'array', removeAdditional true) turned `"tags": [1]` into `["1"]` and dropped unknown
 *   fields silently; here either is a 400 naming the field (`tags.0`, `context`, `drop`).
 * - params, querystring, headers: Fastify's defaults, since these arrive as strings: `?per_page=5`
 *   becomes 5, absent values take the schema's default, unknown query parameters are dropped.
 * Only what JSON Schema cannot say stays hand-written (storableBody.ts: strings PostgreSQL cannot
 * store, nesting depth).
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// allErrors stays off (Fastify's advice: with it a crafted body costs the validator more): the
// first problem is the one reported; addUsedSchema off as in Fastify: every server of the process
// compiles its routes here, and a schema with an $id would be refused the second time
const SHARED: Options = { allErrors: false, addUsedSchema: false };

const bodyAjv = ajvFormats.default(
  new Ajv({ ...SHARED, coerceTypes: false, removeAdditional: false, useDefaults: false }),
);
const requestAjv = ajvFormats.default(
  new Ajv({ ...SHARED, coerceTypes: 'array', removeAdditional: true, useDefaults: true }),
);

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const validate: ValidateFunction = (httpPart === 'body' ? bodyAjv : requestAjv).compile(schema);
  return validate;
};
