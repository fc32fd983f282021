/**
 * A small JSON Schema validator for the subset docs/benchmark-results.schema.json uses: `type`
 * (one or several, with `integer`), `enum`, `minimum`, `required`, `properties`,
 * `additionalProperties` (boolean or schema) and `items`. Anything else in a schema is an error, so
 * the schema cannot quietly outgrow its validator. Returns every violation with its JSON path.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);
const KEYWORDS = new Set([
  'type',
  'enum',
  'minimum',
  'required',
  'properties',
  'additionalProperties',
  'items',
]);

export function validateJsonSchema(value: unknown, schema: JsonSchema, path = '$'): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) {
      throw new Error(`${path}: schema keyword "${keyword}" is not supported by validateJsonSchema`);
    }
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(value, t))) {
      return [`${path}: expected ${types.join(' or ')}, got ${typeName(value)}`];
    }
  }
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) {
    errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      errors.push(...validateJsonSchema(item, schema.items as JsonSchema, `${path}[${i}]`));
    });
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? [])
      if (!(key in object)) errors.push(`${path}: missing required "${key}"`);
    for (const [key, child] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) errors.push(...validateJsonSchema(child, property, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property "${key}"`);
      else if (typeof schema.additionalProperties === 'object') {
        errors.push(...validateJsonSchema(child, schema.additionalProperties, `${path}.${key}`));
      }
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
