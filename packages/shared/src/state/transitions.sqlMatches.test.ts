/**
 * The TypeScript transition table and the one SQL enforces (seeded by 02_state_machine.sql) are identical,
 * and the states the tables use are the ones the columns' CHECK constraints accept.
 */
import { useTestDatabase } from '@tasker/bench-kit';
import { describe, expect, test } from 'vitest';
import { STEP_STATES, STEP_TRANSITIONS, TASK_STATES, TASK_TRANSITIONS } from './transitions.ts';

const db = useTestDatabase();

function pairs(table: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.entries(table)
    .flatMap(([from, targets]) => targets.map((to) => `${from} -> ${to}`))
    .sort();
}

async function sqlPairs(table: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ pair: string }>(
    `select from_state || ' -> ' || to_state as pair from tasker.${table}`,
  );
  return rows.map((row) => row.pair).sort();
}

async function checkedStates(table: string): Promise<string[]> {
  // the CHECK (current_state IN (...)) constraint, read back through pg_get_constraintdef
  const { rows } = await db.pool.query<{ def: string }>(
    `select pg_get_constraintdef(c.oid) as def from pg_constraint c
     where c.conrelid = $1::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) like '%current_state%'`,
    [`tasker.${table}`],
  );
  return [...(rows[0]?.def ?? '').matchAll(/'([a-z_]+)'/g)].map((match) => match[1] ?? '').sort();
}

describe('transition tables', () => {
  test('task transitions: TypeScript and SQL list the same pairs', async () => {
    expect(await sqlPairs('allowed_task_transitions')).toEqual(pairs(TASK_TRANSITIONS));
  });

  test('step transitions: TypeScript and SQL list the same pairs', async () => {
    expect(await sqlPairs('allowed_step_transitions')).toEqual(pairs(STEP_TRANSITIONS));
  });

  test('the state lists match the CHECK constraints of tasks and workflow_steps', async () => {
    expect(await checkedStates('tasks')).toEqual([...TASK_STATES].sort());
    expect(await checkedStates('workflow_steps')).toEqual([...STEP_STATES].sort());
  });
});
