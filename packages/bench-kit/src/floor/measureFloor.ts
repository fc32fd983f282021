/**
 * The machine's floor: what the cheapest database operations cost on the run's own server, measured
 * before any bench so a reader can tell a slow machine from a slow change. Three figures, each the
 * p50 of `tries` timed attempts after a short warm-up, one at a time on dedicated connections:
 *
 *   round trip       `select 1` on one connection (the network + protocol + executor floor)
 *   NOTIFY → LISTEN  from sending `pg_notify` on one connection until a second, LISTENing one hears it
 *   commit           one committed single-row insert into a logged scratch table (the WAL-flush floor)
 *
 * The scratch table is created in the database it is given and dropped before returning, also on
 * failure; the global setup hands it a scratch database of the run, dropped after.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrerequisiteError } from '../errors.ts';
import { median } from '../stats/median.ts';

export interface MachineFloor {
  /** p50 of a `select 1` round trip, ms */
  roundTripMs: number;
  /** p50 from sending a notification until the listening connection receives it, ms */
  notifyMs: number;
  /** p50 of one committed single-row insert into a logged table, ms */
  commitMs: number;
  /** timed attempts behind each p50 */
  tries: number;
}

export interface MeasureFloorOptions {
  /** timed attempts per figure (default 300) */
  tries?: number;
  /** untimed attempts before them (default 20) */
  warmup?: number;
  /** longest wait for one notification before the measurement fails (default 5 s) */
  notifyTimeoutMs?: number;
}

export const FLOOR_TRIES = 300;
const FLOOR_WARMUP = 20;

export async function measureFloor(
  connectionString: string,
  { tries = FLOOR_TRIES, warmup = FLOOR_WARMUP, notifyTimeoutMs = 5_000 }: MeasureFloorOptions = {},
): Promise<MachineFloor> {
  for (const [field, value, min] of [
    ['tries', tries, 1],
    ['warmup', warmup, 0],
    ['notifyTimeoutMs', notifyTimeoutMs, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`measureFloor: ${field} must be an integer ≥ ${min}, got ${value}`);
  }
  const suffix = randomBytes(4).toString('hex');
  const table = `tasker_floor_${suffix}`;
  const channel = `tasker_floor_${suffix}`;
  const sender = new pg.Client({ connectionString });
  const listener = new pg.Client({ connectionString });
  for (const client of [sender, listener]) client.on('error', () => undefined);
  await sender.connect();
  try {
    await listener.connect();
    const roundTripMs = median(await timed(tries, warmup, () => sender.query('select 1')));

    await listener.query(`listen ${pg.escapeIdentifier(channel)}`);
    let heard: ((payload: string | undefined) => void) | undefined;
    listener.on('notification', (message) => {
      if (message.channel === channel) heard?.(message.payload);
    });
    let sent = 0;
    const notifyMs = median(
      await timed(tries, warmup, async () => {
        const payload = String(sent++);
        let timer: NodeJS.Timeout | undefined;
        const arrival = new Promise<void>((resolve, reject) => {
          heard = (received) => {
            if (received === payload) resolve();
          };
          timer = setTimeout(
            () =>
              reject(
                new PrerequisiteError(
                  'Machine floor',
                  `notification ${payload} on ${channel} not heard within ${notifyTimeoutMs} ms`,
                  'check that the server delivers NOTIFY to LISTENing sessions (no pooler in transaction mode between)',
                ),
              ),
            notifyTimeoutMs,
          );
        });
        try {
          await Promise.all([sender.query('select pg_notify($1, $2)', [channel, payload]), arrival]);
        } finally {
          clearTimeout(timer);
        }
      }),
    );

    const quoted = pg.escapeIdentifier(table);
    await sender.query(
      `create table ${quoted} (id bigint primary key, at timestamptz not null default now())`,
    );
    try {
      let id = 0;
      const insert = { name: `floor_insert_${suffix}`, text: `insert into ${quoted} (id) values ($1)` };
      const commitMs = median(await timed(tries, warmup, () => sender.query({ ...insert, values: [id++] })));
      return { roundTripMs, notifyMs, commitMs, tries };
    } finally {
      await sender.query(`drop table if exists ${quoted}`);
    }
  } finally {
    await Promise.allSettled([sender.end(), listener.end()]);
  }
}

/** Runs `operation` `warmup` times untimed, then `tries` times one after another; returns ms each. */
async function timed(tries: number, warmup: number, operation: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await operation();
  const samples: number[] = [];
  for (let i = 0; i < tries; i++) {
    const started = performance.now();
    await operation();
    samples.push(performance.now() - started);
  }
  return samples;
}
