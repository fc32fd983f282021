/**
 * parseServiceOptions, pure: values from flags, then environment variables, then defaults; integer
 * ranges and enums checked, each error naming the flag or the variable that supplied the value;
 * unknown flags and missing required options refused; --help.
 */
import { describe, expect, test } from 'vitest';
import { formatUsage, parseServiceOptions } from './parseServiceOptions.ts';
import { UsageError } from './usageError.ts';

const spec = {
  name: 'tasker-test',
  summary: 'a service under test',
  options: {
    'database-url': { type: 'string', env: 'DATABASE_URL', required: true, description: 'the database' },
    port: { type: 'integer', env: 'PORT', min: 0, max: 65535, default: 8080, description: 'HTTP port' },
    'pool-size': { type: 'integer', min: 1, description: 'connections' },
    notify: {
      type: 'enum',
      values: ['in_transaction', 'after_commit'],
      default: 'in_transaction',
      description: 'when wake-ups are sent',
    },
    namespaces: { type: 'list', description: 'namespaces to serve' },
    migrate: { type: 'boolean', description: 'migrate first' },
  },
} as const;

const URL_FLAG = ['--database-url', 'postgres://x'];

function run(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseServiceOptions(spec, argv, env);
  if (parsed.kind !== 'run') throw new Error('expected values, got help');
  return parsed.values;
}

function usageError(argv: string[], env: Record<string, string> = {}): UsageError {
  try {
    parseServiceOptions(spec, argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
}

describe('values', () => {
  test('defaults fill what is absent; flags and lists are parsed', () => {
    expect(run(URL_FLAG)).toEqual({
      'database-url': 'postgres://x',
      port: 8080,
      'pool-size': undefined,
      notify: 'in_transaction',
      namespaces: undefined,
      migrate: false,
    });
    expect(
      run([
        ...URL_FLAG,
        '--port',
        '0',
        '--pool-size=20',
        '--notify',
        'after_commit',
        '--namespaces',
        ' a, b,,c ',
        '--migrate',
      ]),
    ).toMatchObject({
      port: 0,
      'pool-size': 20,
      notify: 'after_commit',
      namespaces: ['a', 'b', 'c'],
      migrate: true,
    });
  });

  test('an environment variable supplies a value the flag does not; the flag wins; empty counts as unset', () => {
    expect(run([], { DATABASE_URL: 'postgres://env', PORT: '9000' })).toMatchObject({
      'database-url': 'postgres://env',
      port: 9000,
    });
    expect(
      run([...URL_FLAG, '--port', '81'], { DATABASE_URL: 'postgres://env', PORT: '9000' }),
    ).toMatchObject({
      'database-url': 'postgres://x',
      port: 81,
    });
    expect(run(URL_FLAG, { PORT: '' })).toMatchObject({ port: 8080 });
  });
});

describe('errors name the source of the bad value', () => {
  test.each([
    ['abc', /--pool-size must be an integer >= 1, got "abc"/],
    ['0', /--pool-size must be an integer >= 1, got "0"/],
    ['1.5', /got "1.5"/],
    ['1e3', /got "1e3"/],
    ['', /got ""/],
    ['99999999999999999999', /got "99999999999999999999"/],
  ])('--pool-size %j', (value, message) => {
    const error = usageError([...URL_FLAG, '--pool-size', value]);
    expect(error.source).toBe('--pool-size');
    expect(error.code).toBe('TASKER_USAGE');
    expect(error.message).toMatch(message);
  });

  test('a bad PORT from the environment names PORT, a bad --port names --port', () => {
    const fromEnv = usageError(URL_FLAG, { PORT: 'eighty' });
    expect(fromEnv.source).toBe('PORT');
    expect(fromEnv.message).toBe('PORT must be an integer from 0 to 65535, got "eighty"');
    const fromFlag = usageError([...URL_FLAG, '--port', '70000'], { PORT: '80' });
    expect(fromFlag.source).toBe('--port');
    expect(fromFlag.message).toBe('--port must be an integer from 0 to 65535, got "70000"');
  });

  test('an enum outside its values lists them', () => {
    const error = usageError([...URL_FLAG, '--notify', 'later']);
    expect(error.source).toBe('--notify');
    expect(error.message).toBe('--notify must be one of in_transaction, after_commit, got "later"');
  });

  test('a required option missing from flag and environment names both', () => {
    const error = usageError([]);
    expect(error.source).toBe('--database-url');
    expect(error.message).toMatch(/^--database-url \(or DATABASE_URL\) is required/);
  });

  test('unknown flags, a flag without its value and stray arguments are refused', () => {
    expect(usageError([...URL_FLAG, '--pool', '3']).source).toBe('--pool');
    expect(usageError([...URL_FLAG, '--pool-size']).source).toBe('--pool-size');
    expect(usageError([...URL_FLAG, 'extra']).message).toMatch(/extra/);
  });
});

test('--help and -h return the usage text, which lists every option with its variable and default', () => {
  for (const flag of ['--help', '-h']) {
    const parsed = parseServiceOptions(spec, [flag], {});
    expect(parsed.kind).toBe('help');
    if (parsed.kind === 'help') expect(parsed.text).toBe(formatUsage(spec));
  }
  const text = formatUsage(spec);
  expect(text).toMatch(/^usage: tasker-test \[options\]/);
  expect(text).toMatch(/--port V +HTTP port \(from 0 to 65535; env PORT; default 8080\)/);
  expect(text).toMatch(
    /--notify in_transaction\|after_commit +when wake-ups are sent \(default in_transaction\)/,
  );
  expect(text).toMatch(/--database-url V +the database \(env DATABASE_URL; required\)/);
  expect(text).toMatch(/--migrate +migrate first/);
  // help wins over otherwise missing required options
  expect(parseServiceOptions(spec, ['--help']).kind).toBe('help');
});
