import type pg from 'pg';

/** Anything the wrappers can run a query on: a pool, or a client (inside the caller's transaction). */
export type Queryable = pg.ClientBase | pg.Pool;
