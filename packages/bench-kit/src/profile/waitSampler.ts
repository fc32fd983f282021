/**
 * Samples pg_stat_activity on a connection of its own every few milliseconds and counts what the
 * benches' backends were doing: per database, state, wait event (`type:event`, or `CPU` when the
 * backend reports none) and the first words of its statement. A wait histogram says what a
 * DB-bound bench waits on (a lock, the WAL flush, the client) where the CPU profile only says idle.
 *
 * One query at a time: the next sample starts `intervalMs` after the previous one started, or at once
 * when a sample took longer, so the sampler never piles up queries on a slow server. It also lists
 * the databases with the prefix every `DATABASES_EVERY` samples, so pg_stat_statements rows can be
 * named after a bench file has dropped its database.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DbProfileError } from '../errors.ts';

const SAMPLE_SQL = readFileSync(new URL('../../sql/db_profile_wait_sample.sql', import.meta.url), 'utf8');
const DATABASES_SQL = readFileSync(new URL('../../sql/db_profile_databases.sql', import.meta.url), 'utf8');
/** list the databases every this many samples (≈ 0.3 s at 15 ms) */
const DATABASES_EVERY = 20;
/** a statement's first words: at most this many characters, cut at a word boundary */
const QUERY_WORDS_CHARS = 60;

/** How often one (database, state, wait, statement) combination was seen. */
export interface WaitCount {
  database: string;
  state: string;
  /** `wait_event_type:wait_event`, or `CPU` (no wait event reported) */
  wait: string;
  /** the statement's first words, whitespace collapsed */
  query: string;
  samples: number;
}

export interface WaitSamples {
  /** samples taken (each sees zero or more backends) */
  ticks: number;
  /** from the first sample's start to the last one's end, ms */
  durationMs: number;
  /** the interval asked for, ms */
  intervalMs: number;
  counts: WaitCount[];
  /** every database with the prefix seen during the run, by oid */
  databases: Map<number, string>;
  /** samples that failed (the sampler keeps going; a run with many says so) */
  errors: number;
  firstError?: string;
}

export interface WaitSampler {
  /** Stops sampling, closes the connection and returns the counts; safe to call twice. */
  stop(): Promise<WaitSamples>;
}

export interface WaitSamplerOptions {
  /** only backends of databases whose name starts with this */
  databasePrefix: string;
  /** default 15 ms */
  intervalMs?: number;
}

/** `select * from tasker.claim_step_messages($1, $2, $3)` → `select * from tasker.claim_step_messages($1,` */
export function firstWords(query: string, maxChars: number = QUERY_WORDS_CHARS): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  const space = cut.lastIndexOf(' ');
  return `${space > maxChars / 2 ? cut.slice(0, space) : cut}…`;
}

export async function startWaitSampler(
  connectionString: string,
  { databasePrefix, intervalMs = 15 }: WaitSamplerOptions,
): Promise<WaitSampler> {
  const client = new pg.Client({ connectionString, application_name: 'tasker bench:profile wait sampler' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new DbProfileError('the wait-event sampler could not connect', { cause: error });
  }
  const counts = new Map<string, WaitCount>();
  const databases = new Map<number, string>();
  let ticks = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const started = performance.now();
  let ended = started;

  const sampleOnce = async (): Promise<void> => {
    if (ticks % DATABASES_EVERY === 0) {
      const { rows } = await client.query<{ oid: string; datname: string }>(DATABASES_SQL, [databasePrefix]);
      for (const row of rows) databases.set(Number(row.oid), row.datname);
    }
    const { rows } = await client.query<{
      datid: string;
      datname: string;
      state: string;
      wait: string | null;
      query: string;
    }>(SAMPLE_SQL, [databasePrefix]);
    ticks++;
    for (const row of rows) {
      databases.set(Number(row.datid), row.datname);
      const entry = {
        database: row.datname,
        state: row.state,
        wait: row.wait ?? 'CPU',
        query: firstWords(row.query),
      };
      const key = JSON.stringify([entry.database, entry.state, entry.wait, entry.query]);
      const count = counts.get(key);
      if (count) count.samples++;
      else counts.set(key, { ...entry, samples: 1 });
    }
  };

  const loop = (async () => {
    while (!stopping) {
      const tickStart = performance.now();
      try {
        await sampleOnce();
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      ended = performance.now();
      if (stopping) break;
      const delay = Math.max(0, intervalMs - (ended - tickStart));
      await new Promise<void>((resolve) => {
        wake = resolve;
        // unref: a sampler nobody stopped must not keep the process alive on its timer
        timer = setTimeout(resolve, delay);
        timer.unref();
      });
    }
  })();

  let result: Promise<WaitSamples> | undefined;
  return {
    stop() {
      result ??= (async () => {
        stopping = true;
        clearTimeout(timer);
        wake?.();
        await loop;
        await client.end().catch(() => undefined);
        return {
          ticks,
          durationMs: ended - started,
          intervalMs,
          counts: [...counts.values()].sort((a, b) => b.samples - a.samples),
          databases,
          errors,
          ...(firstError === undefined ? {} : { firstError }),
        };
      })();
      return result;
    },
  };
}
