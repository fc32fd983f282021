/**
 * additionalProperties: false refuses every property the schema does not list — including names that
 * every plain object inherits (`constructor`, `toString`, `__proto__`), which a validator looking
 * properties up with `schema.properties[key]` takes for declared ones.
 */
import { expect, test } from 'vitest';
import { compileJsonSchema } from './validateJsonSchema.ts';

const closed = compileJsonSchema({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, nested: { type: 'object', additionalProperties: false } },
});

test.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
  'a property named %s is refused at the top level and nested',
  (key) => {
    expect(closed({ name: 'a', [key]: 1 })).toEqual([`/: must NOT have additional properties "${key}"`]);
    expect(closed({ name: 'a', nested: { [key]: 1 } })).toEqual([
      `/nested: must NOT have additional properties "${key}"`,
    ]);
  },
);

test('an own __proto__ property (as JSON.parse makes it) is refused too', () => {
  expect(closed(JSON.parse('{"name":"a","__proto__":{"x":1}}'))).toEqual([
    '/: must NOT have additional properties "__proto__"',
  ]);
});

test('a valid value has no errors; every error is reported with its path', () => {
  expect(closed({ name: 'a', nested: {} })).toEqual([]);
  expect(closed({ nested: { extra: true }, toString: 1 })).toEqual([
    "/: must have required property 'name'",
    '/: must NOT have additional properties "toString"',
    '/nested: must NOT have additional properties "extra"',
  ]);
});

test('a schema that is not valid 2020-12 is refused when compiled, not when used', () => {
  expect(() => compileJsonSchema({ type: 'object', required: 'name' })).toThrow(/required/);
});

test('a schema with an $id can be compiled again (read afresh from its file)', () => {
  const schema = () => ({
    $id: 'https://example.test/closed.json',
    type: 'object',
    additionalProperties: false,
    properties: { name: { type: 'string' } },
  });
  compileJsonSchema(schema());
  expect(compileJsonSchema(schema())({ name: 'a', valueOf: 1 })).toEqual([
    '/: must NOT have additional properties "valueOf"',
  ]);
});
