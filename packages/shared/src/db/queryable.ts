/**
 * What shared's SQL wrappers run their queries on, and how: a pool, or a client inside the caller's
 * transaction; a database error comes back typed (toTaskerError, ../sqlErrors.ts).
 */
import type pg from 'pg';
import { toTaskerError } from '../sqlErrors.ts';

/** Anything the wrappers can run a query on: a pool, or a client (inside the caller's transaction). */
export type Queryable = pg.ClientBase | pg.Pool;

/** Runs `query` on `client` and returns its rows; a TK error is rethrown typed, the original as `cause`. */
export async function queryRows<R extends pg.QueryResultRow>(
  client: Queryable,
  query: pg.QueryConfig,
): Promise<R[]> {
  try {
    return (await client.query<R>(query)).rows;
  } catch (error) {
    throw toTaskerError(error);
  }
}
