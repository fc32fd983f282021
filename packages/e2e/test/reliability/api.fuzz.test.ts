/**
 * POST /v1/tasks fuzzed with 400 bodies from a seeded generator (the same bodies every run): malformed
 * JSON, wrong types (inside arrays too, which Fastify's default Ajv coerced), missing and unknown fields, oversized bodies, unknown templates, odd unicode and
 * SQL-looking strings in names, tags and context, values PostgreSQL cannot store (NUL, lone
 * surrogates) and absurd nesting. Every one is answered 4xx with a message (naming the field where
 * there is one), the server keeps serving, and not one row or queue message is written. Then the
 * SQL-looking strings that ARE valid context are stored verbatim. The API runs authenticated, as a
 * deployment's does: every request carries an API key (create and metrics), so the bodies reach
 * validation rather than stopping at 401.
 */

import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@tasker/bench-kit';
import { hashApiKey, type Orchestration, parseApiKeys, startOrchestration } from '@tasker/orchestration';
import { mathematicalSequence } from '@tasker/shared';
import { afterAll, beforeAll, expect, test } from 'vitest';

const db = useTestDatabase('reliability_api_fuzz');
const SEED = 20_250_101;
const BODIES = 400;
const BODY_LIMIT = 64 * 1024;

const API_KEY = randomBytes(32).toString('base64url');
const AUTH = { authorization: `Bearer ${API_KEY}` };

let orchestration: Orchestration | undefined;

beforeAll(async () => {
  orchestration = await startOrchestration({
    databaseUrl: db.connectionString,
    bodyLimit: BODY_LIMIT,
    templates: [mathematicalSequence],
    auth: { apiKeys: parseApiKeys(`fuzz ${hashApiKey(API_KEY)} create,metrics`, 'the fuzz key') },
    onError: () => undefined,
  });
});
afterAll(() => orchestration?.close());

/** mulberry32: a small seeded generator, so a failure names a reproducible case */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SQLISH = [
  "'; drop table tasker.tasks; --",
  'x" or "1"="1',
  '$$; select pg_sleep(10); $$',
  "linear_workflow'--",
  "robert'); delete from tasker.workflow_steps;--",
];
const ODD = [
  'Ünïcödé',
  '工作流',
  '🚀🔥',
  'a\u200bb',
  'RTL\u202etext',
  'tab\tname',
  'zero\u0000byte',
  '\ud800lone',
  '',
];
const WRONG_TYPES: readonly unknown[] = [42, -1.5, true, null, [], ['a'], {}, { a: 1 }, 'x'.repeat(1001)];
const VALID = { namespace: 'linear_workflow', name: 'mathematical_sequence', context: { even_number: 2 } };
const FIELDS = [
  'namespace',
  'name',
  'version',
  'context',
  'initiator',
  'tags',
  'priority',
  'correlation_id',
  'identity_strategy',
];

/** whether `value` is invalid for `field` (an object is a valid context, a string array valid tags) */
function wrongFor(field: string, value: unknown): boolean {
  if (field === 'context') return typeof value !== 'object' || value === null || Array.isArray(value);
  if (field === 'tags') return !Array.isArray(value);
  return true;
}

type Case = { kind: string; raw: string; field?: string };

function generate(random: () => number): Case[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cases: Case[] = [];
  const json = (kind: string, body: unknown, field?: string) =>
    cases.push({ kind, raw: JSON.stringify(body), ...(field ? { field } : {}) });
  const makers: Array<() => void> = [
    () => {
      const text = JSON.stringify({ ...VALID, reason: pick(SQLISH) });
      cases.push({
        kind: 'truncated json',
        raw: text.slice(0, 1 + Math.floor(random() * (text.length - 2))),
      });
    },
    () =>
      cases.push({
        kind: 'garbage',
        raw: pick(['{', '}', 'nul', '{"a":}', "{'single':1}", '[', '{"namespace" "x"}', '\u0000']),
      }),
    () => {
      const field = pick(FIELDS);
      json('wrong type', { ...VALID, [field]: pick(WRONG_TYPES.filter((v) => wrongFor(field, v))) }, field);
    },
    () => {
      // a tag that is not a string: `[1]` became `["1"]` under coercion
      const position = Math.floor(random() * 3);
      const tags = [...Array.from({ length: position }, () => 'ok'), pick([1, 2.5, true, null, {}, ['a']])];
      json('wrong item type', { ...VALID, tags }, `tags.${position}`);
    },
    () => {
      const field = pick(['namespace', 'name']);
      const { [field as 'name']: _gone, ...rest } = VALID;
      json('missing field', rest, field);
    },
    () => json('unknown field', { ...VALID, [pick(['drop', 'task_uuid', '__proto__x', 'state'])]: 1 }),
    () => json('odd name', { ...VALID, [pick(['namespace', 'name'])]: pick([...ODD, ...SQLISH]) }),
    () =>
      json('unknown template', {
        namespace: `no_such_${Math.floor(random() * 1e6)}`,
        name: 'ghost',
        context: {},
      }),
    () => json('unknown version', { ...VALID, version: `9.${Math.floor(random() * 99)}.0` }),
    () =>
      json(
        'unstorable context',
        { ...VALID, context: { even_number: 2, note: pick(['a\u0000b', '\udfff', 'x\ud800y']) } },
        'context',
      ),
    () =>
      json('unstorable text', {
        ...VALID,
        [pick(['initiator', 'reason', 'source_system'])]: 'nul\u0000here',
      }),
    () => json('unstorable tag', { ...VALID, tags: ['ok', 'bad\u0000tag'] }, 'tags'),
    () => {
      // built as text: deeper than JSON.stringify's recursion goes in a test worker
      const depth = 65 + Math.floor(random() * 5000);
      const deep = `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const raw = JSON.stringify({ ...VALID, context: { even_number: 2, deep: 0 } }).replace(
        '"deep":0',
        `"deep":${deep}`,
      );
      cases.push({ kind: 'deep context', raw, field: 'context' });
    },
    () =>
      json('oversized', {
        ...VALID,
        context: { even_number: 2, blob: 'x'.repeat(BODY_LIMIT + Math.floor(random() * 1000)) },
      }),
  ];
  while (cases.length < BODIES) pick(makers)();
  return cases;
}

async function counts(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<Record<string, number>>(
    `select (select count(*) from tasker.tasks)::int as tasks,
       (select count(*) from tasker.workflow_steps)::int as steps,
       (select count(*) from tasker.workflow_step_edges)::int as edges,
       (select count(*) from tasker.workflow_step_transitions)::int as step_transitions,
       (select count(*) from tasker.task_transitions)::int as task_transitions,
       (select coalesce(sum((pgmq.metrics(queue_name)).total_messages), 0) from pgmq.list_queues())::int as queued`,
  );
  return rows[0] ?? {};
}

test(`${BODIES} generated bad bodies: each 4xx with a message, nothing written, the server keeps serving`, async () => {
  const url = `${orchestration?.url}/v1/tasks`;
  const before = await counts();
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (const [i, c] of generate(seeded(SEED)).entries()) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: c.raw,
    });
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { message?: string; field?: string } }
      | undefined;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const message = body?.error?.message ?? '';
    const problem =
      response.status < 400 || response.status >= 500
        ? `status ${response.status}`
        : message.length === 0
          ? 'no message'
          : c.field && !`${body?.error?.field ?? ''} ${message}`.includes(c.field)
            ? `message does not name ${c.field}: ${message}`
            : undefined;
    if (problem) failures.push(`#${i} ${c.kind} ${c.field ?? ''} (${c.raw.slice(0, 160)}): ${problem}`);
  }
  expect(failures).toEqual([]);
  expect(await counts()).toEqual(before);
  // all four families of answer occurred
  expect([...statuses.keys()].sort()).toEqual([400, 404, 413]);
  const health = await fetch(`${orchestration?.url}/health/ready`, { headers: AUTH });
  expect(health.status).toBe(200);
});

test('SQL-looking and odd-unicode strings that are valid context are stored verbatim', async () => {
  const context = {
    even_number: 4,
    sql: SQLISH,
    odd: ODD.filter((s) => !s.includes('\u0000') && !/[\ud800-\udfff]/.test(s)),
  };
  const response = await fetch(`${orchestration?.url}/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify({ ...VALID, context, reason: SQLISH[0], tags: SQLISH }),
  });
  expect(response.status).toBe(201);
  const { task } = (await response.json()) as { task: { task_uuid: string } };
  const { rows } = await db.pool.query<{ context: unknown; tags: string[] }>(
    'select context, tags from tasker.tasks where task_uuid = $1',
    [task.task_uuid],
  );
  expect(rows[0]).toEqual({ context, tags: SQLISH });
});
