/**
 * JSON Schema validation of the reports (docs/benchmark-results.schema.json) with Ajv in the
 * 2020-12 dialect the schema declares. A schema is compiled once; the validator it returns lists
 * every violation as "<JSON pointer>: <message>", naming the offending property or allowed values
 * where Ajv keeps them in `params` rather than in its message.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** Every violation of the compiled schema by `value`, or [] when it is valid. */
export type JsonSchemaValidator = (value: unknown) => string[];

// strict: an unknown keyword or a malformed schema fails at compile time instead of validating
// nothing; allErrors: the test output lists every problem of a report, not only the first;
// addUsedSchema off: a schema with an $id (ours has one) may be compiled again, from a fresh read
const ajv = new Ajv2020({ allErrors: true, strict: true, addUsedSchema: false });

export function compileJsonSchema(schema: Record<string, unknown>): JsonSchemaValidator {
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(formatError));
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (typeof params.additionalProperty === 'string') detail = ` "${params.additionalProperty}"`;
  else if (Array.isArray(params.allowedValues)) detail = `: ${JSON.stringify(params.allowedValues)}`;
  return `${where}: ${error.message ?? `fails ${error.keyword}`}${detail}`;
}
