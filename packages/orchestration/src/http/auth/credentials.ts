/**
 * The API's credentials and how a request's is checked.
 *
 * API keys are stored hashed: the service is given `<name> sha256:<hex> <permission>[,…]` lines (a
 * file, or the TASKER_API_KEYS variable), never the keys themselves; `hashApiKey` (and the CLI's
 * `--hash-api-key`) turns a key into its line's hash. A presented key is hashed and compared with
 * every stored hash in constant time (timingSafeEqual), so neither the match nor its position leaks
 * through timing. Keys should be long random strings (32+ bytes): a plain SHA-256 is then enough,
 * with no need for a slow password hash.
 *
 * JWTs are verified with `jose` against a public key (PEM SPKI or a JWK, given by file): signature,
 * `exp` / `nbf` (60 s clock tolerance), and `iss` / `aud` when configured. Permissions come from the
 * `permissions` claim (an array) or the space-separated `scope` claim, each `create`, `read`,
 * `cancel`, `metrics` or the same with a `tasker:` prefix.
 *
 * A request presents its credential as `Authorization: Bearer <key or JWT>` or `X-API-Key: <key>`.
 * Failures say what was wrong without repeating the credential.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  type CryptoKey,
  createLocalJWKSet,
  importSPKI,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { OrchestrationConfigError } from './authErrors.ts';
import { isPermission, PERMISSIONS, type Permission } from './routePermissions.ts';

export interface ApiKey {
  name: string;
  /** SHA-256 of the key */
  digest: Buffer;
  permissions: ReadonlySet<Permission>;
}

export interface JwtSettings {
  /** PEM (SPKI) public key or a JWK / JWK set, as text */
  publicKey: string;
  issuer?: string;
  audience?: string;
  /** accepted algorithms (default: RS256 with a PEM key; RS256, ES256, EdDSA with a JWK set) */
  algorithms?: readonly string[];
}

export interface AuthSettings {
  apiKeys?: readonly ApiKey[];
  jwt?: JwtSettings;
}

export interface Principal {
  kind: 'api-key' | 'jwt';
  /** the key's name or the token's subject, for logs; never the secret */
  subject: string;
  permissions: ReadonlySet<Permission>;
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: string };

/** `sha256:<hex>` of a key, as a key line stores it. */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Parses key lines (`<name> sha256:<64 hex> <permission>[,…]`, `*` for all permissions; blank lines
 * and `#` comments skipped; `;` also separates lines, for an environment variable). `source` names
 * the file or variable in errors.
 */
export function parseApiKeys(text: string, source: string): ApiKey[] {
  const keys: ApiKey[] = [];
  const lines = text.split(/[\n;]/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}, entry ${index + 1}`;
    const [name, hash, perms, ...rest] = line.split(/\s+/);
    if (!name || !hash || !perms || rest.length > 0)
      throw new OrchestrationConfigError(`${where}: expected "<name> sha256:<hex> <permission>[,…]"`);
    const match = /^sha256:([0-9a-f]{64})$/.exec(hash);
    if (!match?.[1])
      throw new OrchestrationConfigError(
        `${where}: the key must be given as sha256:<64 lowercase hex> (its hash, never the key itself; see --hash-api-key)`,
      );
    const permissions = new Set<Permission>();
    for (const perm of perms.split(',')) {
      if (perm === '*') for (const p of PERMISSIONS) permissions.add(p);
      else if (isPermission(perm)) permissions.add(perm);
      else
        throw new OrchestrationConfigError(
          `${where}: unknown permission "${perm.slice(0, 20)}" (use ${PERMISSIONS.join(', ')} or *)`,
        );
    }
    if (keys.some((key) => key.name === name))
      throw new OrchestrationConfigError(`${where}: a second key named ${name}`);
    keys.push({ name, digest: Buffer.from(match[1], 'hex'), permissions });
  });
  return keys;
}

/** Reads a file, naming it (and what it is for) when it cannot be read. */
export async function readCredentialFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new OrchestrationConfigError(`cannot read the ${what} file ${path}: ${(error as Error).message}`);
  }
}

type VerifyKey = CryptoKey | ReturnType<typeof createLocalJWKSet>;

export class Authenticator {
  readonly #keys: readonly ApiKey[];
  readonly #jwt: JwtSettings | undefined;
  readonly #verifyKey: VerifyKey | undefined;
  readonly #algorithms: string[];

  private constructor(settings: AuthSettings, verifyKey: VerifyKey | undefined, algorithms: string[]) {
    this.#keys = settings.apiKeys ?? [];
    this.#jwt = settings.jwt;
    this.#verifyKey = verifyKey;
    this.#algorithms = algorithms;
  }

  /** Validates the settings (and imports the JWT key) up front, so a bad one fails the start. */
  static async create(settings: AuthSettings): Promise<Authenticator> {
    if ((settings.apiKeys?.length ?? 0) === 0 && !settings.jwt)
      throw new OrchestrationConfigError('authentication needs at least one API key or a JWT public key');
    let verifyKey: VerifyKey | undefined;
    let algorithms: string[] = [];
    if (settings.jwt) {
      const text = settings.jwt.publicKey.trim();
      algorithms = [
        ...(settings.jwt.algorithms ?? (text.startsWith('{') ? ['RS256', 'ES256', 'EdDSA'] : ['RS256'])),
      ];
      try {
        if (text.startsWith('{')) {
          const parsed = JSON.parse(text) as JWK | { keys: JWK[] };
          verifyKey = createLocalJWKSet('keys' in parsed ? parsed : { keys: [parsed] });
        } else {
          if (algorithms.length !== 1)
            throw new OrchestrationConfigError(
              'a PEM public key needs exactly one JWT algorithm (e.g. RS256); give a JWK to accept several',
            );
          verifyKey = await importSPKI(text, algorithms[0] as string);
        }
      } catch (error) {
        if (error instanceof OrchestrationConfigError) throw error;
        throw new OrchestrationConfigError(`the JWT public key cannot be read: ${(error as Error).message}`);
      }
    }
    return new Authenticator(settings, verifyKey, algorithms);
  }

  /** Checks a request's headers; the outcome's reason never contains the credential. */
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<AuthOutcome> {
    const credential = presented(headers);
    if (credential === undefined)
      return { ok: false, reason: 'no credential: send Authorization: Bearer <API key or JWT> or X-API-Key' };
    if (looksLikeJwt(credential)) return this.#verifyJwt(credential);
    return this.#matchKey(credential);
  }

  #matchKey(key: string): AuthOutcome {
    const digest = createHash('sha256').update(key, 'utf8').digest();
    let found: ApiKey | undefined;
    // every stored hash is compared, match or not: the time taken does not depend on which matched
    for (const candidate of this.#keys) if (timingSafeEqual(candidate.digest, digest)) found ??= candidate;
    if (!found) return { ok: false, reason: 'unknown API key' };
    return { ok: true, principal: { kind: 'api-key', subject: found.name, permissions: found.permissions } };
  }

  async #verifyJwt(token: string): Promise<AuthOutcome> {
    const settings = this.#jwt;
    const key = this.#verifyKey;
    if (!settings || !key)
      return { ok: false, reason: 'JWTs are not accepted here (no public key configured)' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1] & CryptoKey, {
        algorithms: this.#algorithms,
        clockTolerance: 60,
        ...(settings.issuer ? { issuer: settings.issuer } : {}),
        ...(settings.audience ? { audience: settings.audience } : {}),
      }));
    } catch (error) {
      return { ok: false, reason: jwtFailure(error) };
    }
    return {
      ok: true,
      principal: {
        kind: 'jwt',
        subject: String(payload.sub ?? 'jwt'),
        permissions: claimedPermissions(payload),
      },
    };
  }
}

function presented(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

const looksLikeJwt = (credential: string) =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);

function claimedPermissions(payload: JWTPayload): ReadonlySet<Permission> {
  const claimed: unknown[] = Array.isArray(payload.permissions)
    ? payload.permissions
    : typeof payload.scope === 'string'
      ? payload.scope.split(' ')
      : [];
  const permissions = new Set<Permission>();
  for (const value of claimed) {
    if (typeof value !== 'string') continue;
    const name = value.startsWith('tasker:') ? value.slice('tasker:'.length) : value;
    if (isPermission(name)) permissions.add(name);
  }
  return permissions;
}

function jwtFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the JWT has expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the JWT signature does not verify';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `the JWT's ${error.claim} claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the JWT's algorithm is not accepted";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no configured key matches the JWT';
  return 'the JWT is malformed';
}
