// Options declared once: a flag (name, argument, help, parse rule), a config-file key (config-rules.ts), or both.
// Here: the helpers that declare flags, and what a command makes of its table of them: util.parseArgs' options,
// the parsed values, the "Options:" lines of its --help, and the config settings its flags override. Pure.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  describeWholeNumber,
  isWholeNumber,
  wholeNumberFromText,
  type WholeNumberRange,
} from '../fields/whole-number';
import type { ConfigRule } from './config-rules';
import type { ConfigFile, ConfigKey } from './settings';
import { UsageError, type ArgumentsResult } from './usage';

/** What util.parseArgs found for one flag: its text, its texts (repeatable), true (a switch), or nothing. */
export type FlagInput = string | string[] | true | undefined;

/** A command-line flag, as --help shows it and util.parseArgs reads it. */
export interface Flag<V> {
  /** The long name, without `--`. */
  name: string;
  /** The one-letter name, without `-`. */
  short?: string;
  /** The placeholder of its value in --help (`N`, `MS`, `FILE`); none for a switch. */
  argument?: string;
  /** Whether the flag may be repeated (its values are then read together). */
  multiple?: boolean;
  /** The help text: its first line goes beside the flag, the others below it; no indentation. */
  help: string;
  /** Left out of --help: a flag accepted only to say why it does not apply here. */
  hidden?: boolean;
  /** The parsed value; `cwd` resolves relative paths. Throws a UsageError naming the flag. */
  read(given: FlagInput, cwd: string): V;
  /** The config-file value the parsed value stands for, when it differs from it (`--legacy-expr`). */
  asSetting?(value: V): unknown;
}

/**
 * One option, declared once: its flag, its config-file key, or both. When both, a given flag wins over the
 * file (settings.ts, flagsOverFile).
 */
export interface OptionDeclaration<V = unknown> {
  flag?: Flag<V>;
  config?: ConfigRule;
}

/** A declaration that has a flag. */
export type FlagDeclaration<V> = OptionDeclaration<V> & { flag: Flag<V> };

/** A command's flags, keyed by the name of the parsed value, in the order --help lists them. */
export type FlagTable = Record<string, FlagDeclaration<unknown>>;

/** The parsed values of a FlagTable. */
export type FlagValues<T extends FlagTable> = {
  [Field in keyof T]: T[Field] extends FlagDeclaration<infer V> ? V : never;
};

/** Where the help text of a flag starts: two spaces, then the flag column. */
const HELP_COLUMN = 26;

/** The `--help`/`-h` line every command's help ends its options with. */
export const HELP_FLAG_LINE = `  ${'-h, --help'.padEnd(HELP_COLUMN - 2)}show this help`;

/** util.parseArgs' option table for `table`. */
export function parseArgsOptions(table: FlagTable): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const { flag } of Object.values(table)) {
    options[flag.name] = {
      type: flag.argument === undefined ? 'boolean' : 'string',
      ...(flag.short === undefined ? {} : { short: flag.short }),
      ...(flag.multiple === true ? { multiple: true } : {}),
    };
  }
  return options;
}

/**
 * The "Options:" lines of `table` in its order, aligned: a flag too long for its column gets a line of its own.
 * The `-h, --help` line is not included (see HELP_FLAG_LINE).
 */
export function flagHelp(table: FlagTable): string {
  return Object.values(table)
    .filter(({ flag }) => flag.hidden !== true)
    .map(({ flag }) => {
      const label = `${flag.short === undefined ? '' : `-${flag.short}, `}--${flag.name}${
        flag.argument === undefined ? '' : ` ${flag.argument}`
      }`;
      const [first, ...rest] = flag.help.split('\n');
      const indent = ' '.repeat(HELP_COLUMN);
      const head =
        label.length < HELP_COLUMN - 2
          ? [`  ${label.padEnd(HELP_COLUMN - 2)}${first}`]
          : [`  ${label}`, `${indent}${first}`];
      return [...head, ...rest.map((line) => `${indent}${line}`)].join('\n');
    })
    .join('\n');
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments strictly against `table`, answers `--help`/`-h`, reads every flag by its
 * declaration and lets `build` make the options; a parse error or a UsageError (from a flag's rule or from
 * `build`) becomes a `usage-error` result, never a throw.
 * @example
 * interpretArguments(['--port', '80'], { port: PORT }, '/srv', (values) => values); // { kind: 'run', … }
 */
export function interpretArguments<T extends FlagTable, R>(
  args: string[],
  table: T,
  cwd: string,
  build: (values: FlagValues<T>, positionals: string[]) => R,
): ArgumentsResult<R> {
  try {
    const options = { ...parseArgsOptions(table), ...HELP_OPTION };
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (parsed.values['help'] === true) return { kind: 'help' };
    return { kind: 'run', options: build(readFlags(table, parsed.values, cwd), parsed.positionals) };
  } catch (err) {
    if (err instanceof UsageError) return { kind: 'usage-error', message: err.message };
    const message = describeParseError(err);
    if (message === undefined) throw err;
    return { kind: 'usage-error', message };
  }
}

/** The parsed value of every flag of `table`, given what util.parseArgs found (keyed by flag name). */
function readFlags<T extends FlagTable>(
  table: T,
  found: Record<string, unknown>,
  cwd: string,
): FlagValues<T> {
  const values: Record<string, unknown> = {};
  for (const [field, { flag }] of Object.entries(table))
    values[field] = flag.read(found[flag.name] as FlagInput, cwd);
  // Each field was read by its own declaration, whose type FlagValues names.
  return values as FlagValues<T>;
}

/** Rewrites util.parseArgs' multi-sentence errors as one short clause; undefined for other errors. */
function describeParseError(err: unknown): string | undefined {
  // Duck-typed, not `instanceof Error`: Node's errors come from another realm under jest's sandbox.
  if (typeof err !== 'object' || err === null || !('code' in err) || !('message' in err)) return undefined;
  if (typeof err.code !== 'string' || typeof err.message !== 'string') return undefined;
  const option = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (err.message.includes('does not take an argument')) return `option '${option}' takes no value`;
      return `option '${option}' needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'unexpected argument';
    default:
      return err.code.startsWith('ERR_PARSE_ARGS_') ? err.message.split('\n')[0] : undefined;
  }
}

/**
 * The config-file settings the parsed `values` override: one per flag that declares a config key, undefined
 * where the flag was not given. What flagsOverFile takes as its `flags`.
 */
export function flagSettings<T extends FlagTable>(
  table: T,
  values: Partial<FlagValues<T>>,
): Partial<ConfigFile> {
  const settings: Record<string, unknown> = {};
  for (const [field, declaration] of Object.entries(table)) {
    const { flag, config } = declaration;
    if (config === undefined) continue;
    const value: unknown = values[field];
    settings[config.key] = value === undefined || !flag.asSetting ? value : flag.asSetting(value);
  }
  // Each key is a declaration's own config key, and its value the flag's reading of that setting.
  return settings as Partial<ConfigFile>;
}

/**
 * `declaration` with `note` added to its help: what the flag does in one command besides what it always does.
 * @example withNote(WATCH, 'in build, each change also builds again (incrementally), until Ctrl-C')
 */
export function withNote<V>(declaration: FlagDeclaration<V>, note: string): FlagDeclaration<V> {
  return { ...declaration, flag: { ...declaration.flag, help: `${declaration.flag.help}\n${note}` } };
}

// ---- Declaring a flag: how its text becomes its value. ----

/** What --help shows of a flag, and how util.parseArgs reads it: a Flag without its parse rule. */
export type FlagText = Omit<Flag<never>, 'read' | 'asSetting'>;

/** A flag that takes a value: `parse` reads its text; absent, it is undefined. */
export function valued<V>(text: FlagText, parse: (given: string, cwd: string) => V): Flag<V | undefined> {
  return { ...text, read: (given, cwd) => (typeof given === 'string' ? parse(given, cwd) : undefined) };
}

/** A repeatable flag: `parse` reads all its texts together; absent, it is undefined. */
export function listed<V>(text: FlagText, parse: (given: string[]) => V): Flag<V | undefined> {
  return { ...text, multiple: true, read: (given) => (Array.isArray(given) ? parse(given) : undefined) };
}

/** `flag`, with `fallback` as its value when it is not given. */
export function withDefault<V>(flag: Flag<V | undefined>, fallback: V): Flag<V> {
  return { ...flag, read: (given, cwd) => flag.read(given, cwd) ?? fallback };
}

/** A switch: `given` when it is on the command line, `absent` when not. */
export function switched<V, A>(text: FlagText, given: V, absent: A): Flag<V | A> {
  return { ...text, read: (found) => (found === true ? given : absent) };
}

/** A flag whose value is a whole number in `range` (times `scale`: `--cache-size` MB are kept as bytes). */
export function wholeNumberFlag(
  text: FlagText,
  range: WholeNumberRange,
  scale = 1,
): Flag<number | undefined> {
  return valued(text, (given) => {
    const value = wholeNumberFromText(given);
    if (!isWholeNumber(value, range))
      throw new UsageError(`option '--${text.name}' needs ${describeWholeNumber(range)}, not '${given}'`);
    return value * scale;
  });
}

/** A declaration whose flag overrides config key `key`, typed so the flag's value fits the key. */
export function overriding<K extends ConfigKey, V extends ConfigFile[K] | undefined>(
  flag: Flag<V>,
  config: ConfigRule & { key: K },
): FlagDeclaration<V> & { config: ConfigRule } {
  return { flag, config };
}
