/**
 * Task identity: the value of tasks.identity_hash (unique), by strategy.
 *   strict          same namespace, name, version and context → the same task (a repeat is a 409)
 *   caller_provided the caller's identity_key decides (idempotency key)
 *   always_unique   every request creates a task
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IdentityStrategy } from '@tasker/shared/api';

export type IdentityInput = {
  namespace: string;
  name: string;
  version: string | undefined;
  context: unknown;
  strategy: IdentityStrategy;
  identityKey: string | undefined;
};

export function identityHash(input: IdentityInput): string {
  switch (input.strategy) {
    case 'always_unique':
      return `u:${randomUUID()}`;
    case 'caller_provided':
      return `k:${sha256(`${input.namespace}/${input.name}\n${input.identityKey ?? ''}`)}`;
    case 'strict':
      return `s:${sha256(`${input.namespace}/${input.name}@${input.version ?? 'latest'}\n${canonicalJson(input.context)}`)}`;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every level, so key order does not change the identity. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
