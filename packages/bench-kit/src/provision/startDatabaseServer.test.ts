import { describe, expect, test } from 'vitest';
import { PrerequisiteError } from '../errors.ts';
import { redactConnectionString } from './redact.ts';
import { cloneName } from './runDatabases.ts';
import { chooseProvider } from './startDatabaseServer.ts';

describe('chooseProvider', () => {
  test('TASKER_DB wins over everything', () => {
    expect(chooseProvider({ TASKER_DB: 'embedded', DATABASE_URL: 'postgres://x@h/db' })).toBe('embedded');
    expect(chooseProvider({ TASKER_DB: 'url' })).toBe('url');
  });
  test('DATABASE_URL comes before containers and embedded', () => {
    expect(chooseProvider({ DATABASE_URL: 'postgres://x@h/db' })).toBe('url');
  });
  test('an unknown TASKER_DB is a prerequisite error naming the allowed values', () => {
    expect(() => chooseProvider({ TASKER_DB: 'docker' })).toThrow(PrerequisiteError);
    expect(() => chooseProvider({ TASKER_DB: 'docker' })).toThrow(/url, testcontainers, embedded/);
  });
});

describe('redactConnectionString', () => {
  test('hides the password and keeps the rest', () => {
    expect(redactConnectionString('postgres://alice:s3cr3t@db.example:5432/app')).toBe(
      'postgres://alice:***@db.example:5432/app',
    );
  });
  test('leaves a URL without password unchanged', () => {
    expect(redactConnectionString('postgres://alice@db.example/app')).toBe('postgres://alice@db.example/app');
  });
  test('redacts strings that are not valid URLs too', () => {
    expect(redactConnectionString('postgres://alice:p@ss w0rd@host/db')).not.toContain('w0rd');
  });
});

describe('cloneName', () => {
  test('fits PostgreSQL identifiers and carries the run id', () => {
    const name = cloneName('abcd1234', 'A very long bench file name that goes on and on.bench');
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^tasker_abcd1234_[a-z0-9_]+_[0-9a-f]{6}$/);
  });
  test('two clones of one label get different names', () => {
    expect(cloneName('r', 'x')).not.toBe(cloneName('r', 'x'));
  });
});
