/**
 * The join of a diamond for the job queues, which have no dependencies between jobs: a bench-owned
 * table in the peers' database holds, per diamond, how many of its two branches are still running.
 * Job A inserts the diamond's row (2 left) before it adds B and C; B and C each decrement it in one
 * statement (`update … set branches_left = branches_left - 1 … returning`, atomic under the row
 * lock), and the one that reads 0 adds D. Each queue runs these statements through its own pool.
 */

/** Runs one statement on the queue's own connection pool; returns the rows. */
export type RunSql = (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;

const TABLE = 'public.peer_diamond_branches';

/** Creates the table once per database (the systems are started one after another). */
export async function createDiamondBranches(run: RunSql): Promise<void> {
  await run(`create table if not exists ${TABLE} (key text primary key, branches_left int not null)`, []);
}

/** A's part: the diamond's two branches are pending (a retried A finds its row and leaves it). */
export async function openDiamond(run: RunSql, key: string): Promise<void> {
  await run(`insert into ${TABLE} (key, branches_left) values ($1, 2) on conflict (key) do nothing`, [key]);
}

/** B's or C's part: true for the branch that finished last, which adds D. */
export async function closeBranch(run: RunSql, key: string): Promise<boolean> {
  const { rows } = await run(
    `update ${TABLE} set branches_left = branches_left - 1 where key = $1 returning branches_left`,
    [key],
  );
  const row = rows[0] as { branches_left: number } | undefined;
  if (!row) throw new Error(`diamond ${key}: no branch counter (job A did not open it)`);
  return row.branches_left === 0;
}
