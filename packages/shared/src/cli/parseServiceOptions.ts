/**
 * The option parser of the tasker service command lines (tasker-orchestration, tasker-worker): one
 * declaration per option — its type, range or allowed values, default, and the environment
 * variable that may supply it — from which come the parsing (Node's util.parseArgs, strict), the
 * validation and the --help text.
 *
 * A value comes from the flag, else from the option's environment variable (an empty variable
 * counts as unset), else from its default. A bad value is a UsageError naming where it came from —
 * `--pool-size` or `PORT` — so a user fixes the right place; parseServiceOptionsOrExit turns it into
 * one line on stderr and exit code 2 (USAGE_EXIT_CODE) for every service alike.
 */
import { parseArgs } from 'node:util';
import { USAGE_EXIT_CODE, UsageError } from './usageError.ts';

type Described = {
  /** one line for --help */
  description: string;
  /** the placeholder in --help (`--port P`) */
  valueName?: string;
  /** an environment variable that supplies the value when the flag is absent */
  env?: string;
};

export type StringOption = Described & { type: 'string'; default?: string; required?: boolean };
export type IntegerOption = Described & {
  type: 'integer';
  /** smallest allowed value (inclusive) */
  min?: number;
  /** largest allowed value (inclusive) */
  max?: number;
  default?: number;
  required?: boolean;
};
export type EnumOption<V extends string = string> = Described & {
  type: 'enum';
  values: readonly V[];
  default?: V;
};
/** comma-separated, each item trimmed, empty items dropped; `required`: at least one item */
export type ListOption = Described & { type: 'list'; required?: boolean };
/** present or absent (no environment variable: a flag is an explicit choice) */
export type FlagOption = { type: 'boolean'; description: string };

export type OptionSpec = StringOption | IntegerOption | EnumOption | ListOption | FlagOption;

export interface ServiceCliSpec<O extends Record<string, OptionSpec>> {
  /** the command's name, as in messages and --help (`tasker-worker`) */
  name: string;
  /** what the command does, one line for --help */
  summary: string;
  /** by flag name without the dashes (`'pool-size'`); `help` is added by the parser */
  options: O;
}

type OptionValue<S> = S extends IntegerOption
  ? number
  : S extends EnumOption<infer V>
    ? V
    : S extends ListOption
      ? string[]
      : S extends FlagOption
        ? boolean
        : string;

/** Always present: a flag, an option with a default, a required option. */
type AlwaysPresent<S> = S extends FlagOption
  ? true
  : S extends { default: string | number }
    ? true
    : S extends { required: true }
      ? true
      : false;

export type ServiceOptions<O extends Record<string, OptionSpec>> = {
  -readonly [K in keyof O]: AlwaysPresent<O[K]> extends true
    ? OptionValue<O[K]>
    : OptionValue<O[K]> | undefined;
};

export type ParsedCommandLine<O extends Record<string, OptionSpec>> =
  | { kind: 'help'; text: string }
  | { kind: 'run'; values: ServiceOptions<O> };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses `argv` (without node and the script) and `env` against `spec`. Pure: throws UsageError
 * for anything the service cannot run with, returns the help text for `--help` / `-h`.
 */
export function parseServiceOptions<const O extends Record<string, OptionSpec>>(
  spec: ServiceCliSpec<O>,
  argv: readonly string[],
  env: Env = {},
): ParsedCommandLine<O> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(spec.options))
    config[name] = { type: option.type === 'boolean' ? 'boolean' : 'string' };
  let raw: Record<string, string | boolean | undefined>;
  try {
    raw = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // ERR_PARSE_ARGS_UNKNOWN_OPTION, …_INVALID_OPTION_VALUE (a value missing), …_UNEXPECTED_POSITIONAL
    const source = /'(-{1,2}[^'\s=]+)/.exec(String((error as Error).message))?.[1] ?? 'command line';
    throw new UsageError(source, (error as Error).message, { cause: error });
  }
  if (raw.help === true) return { kind: 'help', text: formatUsage(spec) };

  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.type === 'boolean') {
      values[name] = raw[name] === true;
      continue;
    }
    const flag = `--${name}`;
    const fromFlag = raw[name] as string | undefined;
    const fromEnv = option.env !== undefined && env[option.env] !== '' ? env[option.env] : undefined;
    const text = fromFlag ?? fromEnv;
    const source = fromFlag !== undefined ? flag : (option.env ?? flag);
    if (text === undefined) {
      if ('required' in option && option.required)
        throw new UsageError(
          flag,
          `${flag}${option.env ? ` (or ${option.env})` : ''} is required: ${option.description}`,
        );
      values[name] = 'default' in option ? option.default : undefined;
      continue;
    }
    values[name] = parseValue(option, text, source);
  }
  return { kind: 'run', values: values as ServiceOptions<O> };
}

function parseValue(option: Exclude<OptionSpec, FlagOption>, text: string, source: string): unknown {
  switch (option.type) {
    case 'string':
      if (option.required && text === '') throw new UsageError(source, `${source} must not be empty`);
      return text;
    case 'integer': {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      const min = option.min ?? Number.MIN_SAFE_INTEGER;
      const max = option.max ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n < min || n > max)
        throw new UsageError(
          source,
          `${source} must be an integer${range(option) ? ` ${range(option)}` : ''}, got ${JSON.stringify(text)}`,
        );
      return n;
    }
    case 'enum':
      if (!option.values.includes(text))
        throw new UsageError(
          source,
          `${source} must be one of ${option.values.join(', ')}, got ${JSON.stringify(text)}`,
        );
      return text;
    case 'list': {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (option.required && items.length === 0)
        throw new UsageError(source, `${source} must name at least one item, got ${JSON.stringify(text)}`);
      return items;
    }
  }
}

function range(option: IntegerOption): string {
  if (option.min !== undefined && option.max !== undefined) return `from ${option.min} to ${option.max}`;
  if (option.min !== undefined) return `>= ${option.min}`;
  if (option.max !== undefined) return `<= ${option.max}`;
  return '';
}

/** The --help text: synopsis, summary, one line per option with its default and variable. */
export function formatUsage(spec: ServiceCliSpec<Record<string, OptionSpec>>): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => {
    if (option.type === 'boolean') return [`--${name}`, option.description];
    const placeholder =
      option.valueName ??
      (option.type === 'enum' ? option.values.join('|') : option.type === 'list' ? 'A,B' : 'V');
    const notes: string[] = [];
    if (option.type === 'integer' && (option.min !== undefined || option.max !== undefined))
      notes.push(range(option));
    if (option.env) notes.push(`env ${option.env}`);
    if ('default' in option && option.default !== undefined) notes.push(`default ${option.default}`);
    if ('required' in option && option.required) notes.push('required');
    return [
      `--${name} ${placeholder}`,
      `${option.description}${notes.length ? ` (${notes.join('; ')})` : ''}`,
    ];
  });
  rows.push(['-h, --help', 'this text']);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `usage: ${spec.name} [options]`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ].join('\n');
}

/**
 * parseServiceOptions for a service's entry point, on process.argv and process.env: prints the help
 * and exits 0 for --help; prints the usage error (one line naming its source) and exits 2.
 */
export function parseServiceOptionsOrExit<const O extends Record<string, OptionSpec>>(
  spec: ServiceCliSpec<O>,
): ServiceOptions<O> {
  let parsed: ParsedCommandLine<O>;
  try {
    parsed = parseServiceOptions(spec, process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${spec.name}: ${error.message}\n(${spec.name} --help lists the options)`);
    process.exit(USAGE_EXIT_CODE);
  }
  if (parsed.kind === 'help') {
    console.log(parsed.text);
    process.exit(0);
  }
  return parsed.values;
}

/** The options every tasker service takes with the same meaning, declared once for both CLIs. */
export const commonServiceOptions = {
  'database-url': {
    type: 'string',
    env: 'DATABASE_URL',
    required: true,
    valueName: 'URL',
    description: 'the tasker database',
  },
  notify: {
    type: 'enum',
    values: ['in_transaction', 'after_commit'],
    default: 'in_transaction',
    description: 'when wake-ups are sent',
  },
  'otlp-endpoint': {
    type: 'string',
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    valueName: 'URL',
    description:
      'export spans over OTLP/HTTP to this base URL (/v1/traces appended); the other OTEL_* variables apply',
  },
} as const satisfies Record<string, OptionSpec>;
