/**
 * Every SQLSTATE of class TK that a SQL file of packages/shared/sql raises is in TASKER_SQLSTATE, and
 * toTaskerError turns it into a typed error with a stable code; nothing in the map is raised by no
 * file. A new code raised unmapped fails here, naming it and its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { TaskerError } from './errors.ts';
import {
  DuplicateTaskError,
  IllegalTransitionError,
  TASKER_SQLSTATE,
  TemplateConflictError,
  TemplateNotFoundError,
  toTaskerError,
} from './sqlErrors.ts';

const SQL_DIR = fileURLToPath(new URL('../sql/', import.meta.url));
// `RAISE … USING ERRCODE = 'TK…'` or `RAISE SQLSTATE 'TK…'`
const RAISED = /(?:ERRCODE\s*=\s*|SQLSTATE\s+)'(TK[0-9A-Z]{3})'/gi;

/** Each raised code, with the files that raise it. */
function raisedCodes(): Map<string, string[]> {
  const codes = new Map<string, string[]>();
  for (const entry of readdirSync(SQL_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.sql')) continue;
    const path = join(entry.parentPath, entry.name);
    for (const match of readFileSync(path, 'utf8').matchAll(RAISED)) {
      const code = (match[1] ?? '').toUpperCase();
      const files = codes.get(code) ?? [];
      if (!files.includes(relative(SQL_DIR, path))) files.push(relative(SQL_DIR, path));
      codes.set(code, files);
    }
  }
  return codes;
}

/** A database error as pg reports it; TK001's message is the one the mapping reads. */
function databaseError(code: string): Error {
  const message =
    code === TASKER_SQLSTATE.illegalTransition ? 'illegal task transition from a to b' : 'raised';
  return Object.assign(new Error(message), { code, detail: '{"index":3}', hint: 'a hint' });
}

describe('TASKER_SQLSTATE', () => {
  const raised = raisedCodes();
  const mapped = new Set<string>(Object.values(TASKER_SQLSTATE));

  test('the SQL raises TK codes at all (the parse sees them)', () => {
    expect(raised.size).toBeGreaterThanOrEqual(10);
  });

  test('every TK code the SQL raises is mapped', () => {
    const unmapped = [...raised]
      .filter(([code]) => !mapped.has(code))
      .map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(unmapped).toEqual([]);
  });

  test('every mapped code is raised by some SQL file', () => {
    expect([...mapped].filter((code) => !raised.has(code))).toEqual([]);
  });

  test.each(Object.entries(TASKER_SQLSTATE))(
    '%s (%s) becomes a typed error with a stable code',
    (_name, code) => {
      const original = databaseError(code);
      const typed = toTaskerError(original);
      expect(typed).toBeInstanceOf(TaskerError);
      expect((typed as TaskerError).code).toMatch(/^TASKER_[A-Z_]+$/);
      expect((typed as TaskerError).cause).toBe(original);
    },
  );

  test('the fields are read from the message and DETAIL as the SQL writes them', () => {
    const error = (code: string, message: string, detail?: string) =>
      toTaskerError(Object.assign(new Error(message), { code, detail }));
    expect(error('TK001', 'illegal step transition from complete to pending')).toMatchObject({
      constructor: IllegalTransitionError,
      entity: 'step',
      from: 'complete',
      to: 'pending',
    });
    expect(error('TKR01', 'template ns/name@1.0.0 is already registered with different steps')).toMatchObject(
      {
        constructor: TemplateConflictError,
        template: 'ns/name@1.0.0',
      },
    );
    expect(error('TKT01', 'no task template ns/name@latest', '{"index":2}')).toMatchObject({
      constructor: TemplateNotFoundError,
      index: 2,
    });
    const uuid = '0192f1e2-0000-7000-8000-000000000001';
    expect(error('TKT02', 'task 1 of the batch: …', `{"index":1,"task_uuid":"${uuid}"}`)).toMatchObject({
      constructor: DuplicateTaskError,
      index: 1,
      taskUuid: uuid,
      repeats: undefined,
    });
    expect(error('TKT02', 'task 4 of the batch repeats …', '{"index":4,"repeats":0}')).toMatchObject({
      index: 4,
      taskUuid: undefined,
      repeats: 0,
    });
  });

  test('anything else is returned unchanged', () => {
    const other = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(toTaskerError(other)).toBe(other);
    expect(toTaskerError('not an error')).toBe('not an error');
  });
});
