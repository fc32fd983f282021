/**
 * The API's validator compiler on a route of its own (no database): a body is validated as sent —
 * nothing coerced, nothing removed — at every depth, while querystrings keep Fastify's coercion and
 * defaults; each 400 names the field.
 */

import Fastify from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { errorHandler } from '../src/http/errorHandler.ts';
import { validatorCompiler } from '../src/http/validatorCompiler.ts';

const Body = Type.Object(
  {
    tags: Type.Optional(Type.Array(Type.String())),
    outer: Type.Optional(
      Type.Object(
        {
          count: Type.Integer(),
          inner: Type.Optional(Type.Object({ flag: Type.Boolean() }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const Query = Type.Object(
  { n: Type.Integer({ minimum: 1, default: 7 }), on: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const app = Fastify().setValidatorCompiler(validatorCompiler);
app.setErrorHandler(errorHandler);
app.post('/echo', { schema: { body: Body } }, async (request) => ({ received: request.body }));
app.get('/query', { schema: { querystring: Query } }, async (request) => ({ received: request.query }));

beforeAll(() => app.ready());
afterAll(() => app.close());

async function post(payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.inject({ method: 'POST', url: '/echo', payload: payload as Record<string, unknown> });
  return { status: res.statusCode, body: res.json() };
}

test('a valid nested body arrives exactly as sent', async () => {
  const payload = { tags: ['a'], outer: { count: 2, inner: { flag: true } } };
  expect(await post(payload)).toEqual({ status: 200, body: { received: payload } });
});

test.each([
  ['a number in a string array (Fastify coerced it to "1")', { tags: [1] }, 'tags.0', 'must be string'],
  ['a string for a nested integer', { outer: { count: '2' } }, 'outer.count', 'must be integer'],
  [
    'a number for a boolean two levels down',
    { outer: { count: 2, inner: { flag: 1 } } },
    'outer.inner.flag',
    'must be boolean',
  ],
  [
    'an unknown nested property (Fastify removed it)',
    { outer: { count: 2, extra: 1 } },
    'outer.extra',
    'is not a known field',
  ],
  [
    'an unknown property two levels down',
    { outer: { count: 2, inner: { flag: true, x: 0 } } },
    'outer.inner.x',
    'is not a known field',
  ],
  ['a missing nested property', { outer: {} }, 'outer.count', 'is required'],
  ['a null for an array', { tags: null }, 'tags', 'must be array'],
])('400 for %s, naming the field', async (_what, payload, field, problem) => {
  const res = await post(payload);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: { code: 'validation_failed', message: `body.${field} ${problem}`, field, location: 'body' },
  });
});

test('querystrings keep coercion and defaults; unknown parameters are dropped', async () => {
  const coerced = await app.inject({ method: 'GET', url: '/query?n=5&on=true&other=x' });
  expect(coerced.statusCode).toBe(200);
  expect(coerced.json()).toEqual({ received: { n: 5, on: true } });
  expect((await app.inject({ method: 'GET', url: '/query' })).json()).toEqual({ received: { n: 7 } });
  const bad = await app.inject({ method: 'GET', url: '/query?n=zero' });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error).toMatchObject({ field: 'n', location: 'querystring' });
});
