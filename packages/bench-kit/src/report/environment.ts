/**
 * The context every stored result carries: when, which commit, which database (provider, version,
 * real or compatible PGMQ, key pg_settings), which Node, which CPU, which profile, and the machine's
 * floor measured on that server. The database part
 * comes from the provided context of the global setup (`project.getProvidedContext().tasker`), never
 * from a connection string: nothing here can hold a password, and `redactText` guards the free text.
 */
import { execFileSync } from 'node:child_process';
import { cpus, platform, release } from 'node:os';
import type { MachineFloor } from '../floor/measureFloor.ts';
import type { ProvisionedDatabase } from '../provision/providedContext.ts';
import { redactConnectionString } from '../provision/redact.ts';

export interface RunEnvironment {
  /** ISO timestamp of the end of the run */
  timestamp: string;
  commit: string;
  db: {
    provider: string;
    description: string;
    postgresVersion: string;
    /** which PGMQ the template has ('none': the template's preparation installed none; 'unknown': no
     *  database was provided) */
    pgmq: 'extension' | 'compatible' | 'none' | 'unknown';
  };
  pgSettings: Record<string, string>;
  node: string;
  os: string;
  cpu: { model: string; count: number };
  profile: string;
  /** how bench code was loaded: 'native' (Node imports, type stripping) or 'vite' (Vite's module
   *  runner, which turns imported bindings into getters that micro benches pay for) */
  moduleRunner: 'native' | 'vite';
  /** the machine's floor on the run's server (global setup), when a database was provided */
  floor: MachineFloor | undefined;
}

export interface EnvironmentInput {
  provided: ProvisionedDatabase | undefined;
  profile: string;
  moduleRunner?: RunEnvironment['moduleRunner'];
  now?: Date;
  commit?: string;
}

export function describeEnvironment({
  provided,
  profile,
  moduleRunner = 'vite',
  now = new Date(),
  commit = gitCommit(),
}: EnvironmentInput): RunEnvironment {
  const processors = cpus();
  return {
    timestamp: now.toISOString(),
    commit,
    db: {
      provider: provided?.provider ?? 'unknown',
      description: redactText(provided?.description ?? 'no database was provided'),
      postgresVersion: provided?.serverVersion ?? 'unknown',
      pgmq: provided ? (provided.pgmq ?? 'none') : 'unknown',
    },
    pgSettings: { ...(provided?.settings ?? {}) },
    node: process.version,
    os: `${platform()} ${release()}`,
    cpu: { model: processors[0]?.model.trim() ?? 'unknown', count: processors.length },
    profile,
    moduleRunner,
    floor: provided?.floor,
  };
}

/** Redacts the password of every connection string inside free text. */
export function redactText(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, (url) => redactConnectionString(url));
}

/** `git rev-parse HEAD` (read-only), or "unknown" outside a work tree. */
export function gitCommit(cwd?: string): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function pgmqLabel(pgmq: RunEnvironment['db']['pgmq']): string {
  if (pgmq === 'extension') return 'real pgmq extension';
  if (pgmq === 'compatible') return 'PGMQ-compatible SQL layer';
  if (pgmq === 'none') return 'none (the template has no PGMQ)';
  return 'unknown';
}
