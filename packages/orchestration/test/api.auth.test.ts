/**
 * Who may call the API (http/auth): every route of ROUTE_PERMISSIONS × every kind of credential —
 * none, an unknown API key, an expired JWT, a JWT signed by another key, a JWT with the wrong
 * audience, a valid key or JWT without the route's permission, and the right one (as an API key, a
 * JWT, and through X-API-Key). Public routes (liveness) answer every caller; any other answers 401
 * without a valid credential (with WWW-Authenticate: Bearer, never echoing the credential), 403
 * without the permission, and past authorization with the right one. Fails closed: without
 * authentication the service refuses a non-loopback address unless told it is insecure; a key
 * line that holds a key instead of its hash is refused.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { useTestDatabase } from '@tasker/bench-kit';
import { mathematicalSequence } from '@tasker/shared';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  hashApiKey,
  type Orchestration,
  OrchestrationConfigError,
  PERMISSIONS,
  type Permission,
  parseApiKeys,
  ROUTE_PERMISSIONS,
  startOrchestration,
} from '../src/index.ts';

const db = useTestDatabase();
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'tasker-api';
/** one API key per permission, and one with all of them */
const keys = new Map<Permission | '*', string>(
  [...PERMISSIONS, '*' as const].map((permission) => [permission, randomBytes(32).toString('base64url')]),
);
let orchestration: Orchestration;
let sign: (
  claims: { permissions?: string[]; scope?: string },
  options?: { expired?: boolean; audience?: string },
) => Promise<string>;
let signWithOtherKey: () => Promise<string>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  sign = async (claims, options = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('tester')
      .setIssuer(ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt();
    jwt.setExpirationTime(options.expired ? Math.floor(Date.now() / 1000) - 600 : '5m');
    return jwt.sign(privateKey);
  };
  signWithOtherKey = () =>
    new SignJWT({ permissions: [...PERMISSIONS] })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(other.privateKey);
  const lines = [...keys].map(
    ([permission, key]) => `key_${permission === '*' ? 'all' : permission} ${hashApiKey(key)} ${permission}`,
  );
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    templates: [mathematicalSequence],
    auth: {
      apiKeys: parseApiKeys(lines.join('\n'), 'test keys'),
      jwt: {
        publicKey: await exportSPKI(publicKey),
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['RS256'],
      },
    },
    onError: () => undefined,
  });
});
afterAll(() => orchestration?.close());

/** A request each route accepts past authorization (its answer's status is the route's business). */
function requestOf(route: string): { method: string; path: string; body?: string } {
  const [method = 'GET', pattern = '/'] = route.split(' ');
  const path = pattern.replace(':uuid', randomUUID());
  if (method !== 'POST') return { method, path: path.endsWith('/wait') ? `${path}?timeout_ms=1` : path };
  const task = {
    namespace: mathematicalSequence.namespace,
    name: mathematicalSequence.name,
    context: { even_number: 2, n: Math.random() },
  };
  return { method, path, body: JSON.stringify(path.endsWith('/batch') ? { tasks: [task] } : task) };
}

async function call(
  route: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; headers: Headers }> {
  const { method, path, body } = requestOf(route);
  const response = await fetch(`${orchestration.url}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const keyOf = (permission: Permission | '*') => keys.get(permission) ?? '';

const routes = Object.entries(ROUTE_PERMISSIONS);

describe.each(routes)('%s (%s)', (route, permission) => {
  test('without a valid credential: 401, or the answer for a public route', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['no credential', {}],
      ['an unknown API key', bearer(randomBytes(32).toString('base64url'))],
      ['an expired JWT', bearer(await sign({ permissions: [...PERMISSIONS] }, { expired: true }))],
      ['a JWT signed by another key', bearer(await signWithOtherKey())],
      [
        'a JWT for another audience',
        bearer(await sign({ permissions: [...PERMISSIONS] }, { audience: 'other' })),
      ],
      ['a malformed Authorization header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ];
    for (const [what, headers] of cases) {
      const answer = await call(route, headers);
      if (permission === 'public') {
        expect(answer.status, `${route} with ${what}`).toBe(200);
        continue;
      }
      expect(answer.status, `${route} with ${what}`).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'unauthorized' } });
      // the answer never repeats what was presented
      for (const value of Object.values(headers))
        expect(answer.text).not.toContain(value.replace(/^Bearer /, '').slice(0, 24));
    }
  });

  test('a valid credential without the permission: 403 (a public route: answered)', async () => {
    const others = PERMISSIONS.filter((p) => p !== permission).slice(0, 1);
    for (const [what, headers] of [
      ['an API key', bearer(keyOf(others[0] as Permission))],
      ['a JWT', bearer(await sign({ permissions: others }))],
      ['a JWT with a scope claim', bearer(await sign({ scope: others.map((p) => `tasker:${p}`).join(' ') }))],
    ] as const) {
      const answer = await call(route, headers);
      if (permission === 'public') {
        expect(answer.status, `${route} with ${what}`).toBe(200);
        continue;
      }
      expect(answer.status, `${route} with ${what}`).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'forbidden', permission } });
    }
  });

  test('the right credential passes authorization', async () => {
    const right = permission === 'public' ? '*' : permission;
    for (const [what, headers] of [
      ['its API key', bearer(keyOf(right))],
      ['the all-permissions key', bearer(keyOf('*'))],
      ['its API key as X-API-Key', { 'x-api-key': keyOf(right) }],
      ['a JWT', bearer(await sign({ permissions: right === '*' ? [...PERMISSIONS] : [right] }))],
    ] as const) {
      const answer = await call(route, headers);
      expect([401, 403], `${route} with ${what}: ${answer.status} ${answer.text}`).not.toContain(
        answer.status,
      );
      expect(answer.status, `${route} with ${what}: ${answer.text}`).toBeLessThan(500);
    }
  });
});

test('an unknown route needs a credential before it is told 404', async () => {
  expect((await fetch(`${orchestration.url}/v1/nothing`)).status).toBe(401);
  const answer = await fetch(`${orchestration.url}/v1/nothing`, { headers: bearer(keyOf('read')) });
  expect(answer.status).toBe(404);
});

test('an authorized create really creates (the key reaches the handler, the task exists)', async () => {
  const answer = await call('POST /v1/tasks', bearer(keyOf('create')));
  expect(answer.status).toBe(201);
  const { task } = JSON.parse(answer.text) as { task: { task_uuid: string } };
  const { rowCount } = await db.pool.query('select 1 from tasker.tasks where task_uuid = $1', [
    task.task_uuid,
  ]);
  expect(rowCount).toBe(1);
});

describe('fails closed', () => {
  test('no authentication on a non-loopback address is refused', async () => {
    await expect(
      startOrchestration({ databaseUrl: db.connectionString, host: '0.0.0.0', onError: () => undefined }),
    ).rejects.toBeInstanceOf(OrchestrationConfigError);
  });

  test('--insecure-no-auth serves anyway, and says so', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const open = await startOrchestration({
        databaseUrl: db.connectionString,
        host: '0.0.0.0',
        insecureNoAuth: true,
        onError: () => undefined,
      });
      await open.close();
    } finally {
      console.warn = warn;
    }
    expect(warnings.join('\n')).toMatch(/0\.0\.0\.0 with authentication OFF/);
  });

  test('a key line that holds the key itself, not its hash, is refused without echoing it', () => {
    const key = randomBytes(32).toString('hex');
    let message = '';
    try {
      parseApiKeys(`ops ${key} read`, 'TASKER_API_KEYS');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/sha256:<64 lowercase hex>/);
    expect(message).not.toContain(key);
  });
});
