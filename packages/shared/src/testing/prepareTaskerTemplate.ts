/**
 * What the harness (@tasker/bench-kit) is given to prepare a run's template database, which every
 * test and bench file's database is cloned from: PGMQ and the tasker migrations (prepareDatabase),
 * reporting which PGMQ it installed for the prerequisites banner and every stored result.
 */
import type { PreparedTemplate } from '@tasker/bench-kit/node';
import type pg from 'pg';
import { prepareDatabase } from '../db/prepareDatabase.ts';

export async function prepareTaskerTemplate(client: pg.Client): Promise<PreparedTemplate> {
  const { pgmq } = await prepareDatabase(client);
  return { pgmq };
}
